package org.starttls.policyd.fetcher.dane;

import java.util.Objects;

/**
 * Whether the configured resolver validates DNSSEC, as the last {@link ValidationCheck} found.
 * Without it, no answer may be {@code dane-only}.
 *
 * @param detail one sentence for the start-up log, {@code /health} and {@code policyctl status}
 */
public record ValidationStatus(boolean validates, String detail) {

    public ValidationStatus {
        Objects.requireNonNull(detail, "detail");
    }
}
