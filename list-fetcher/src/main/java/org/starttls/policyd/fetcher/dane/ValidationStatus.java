package org.starttls.policyd.fetcher.dane;

import java.util.Objects;

/**
 * Whether the configured resolver validates DNSSEC, as the last {@link ValidationCheck} found.
 * Without it, no answer may be {@code dane-only}.
 *
 * @param detail one sentence for the start-up log, {@code /health} and {@code policyctl status}
 * @param unanswered the check got no answer at all (the resolver is down or unreachable): it
 *     does not validate now, but nothing says it stopped validating, so answers cached while it
 *     did are still used until their TTL
 */
public record ValidationStatus(boolean validates, String detail, boolean unanswered) {

    public ValidationStatus {
        Objects.requireNonNull(detail, "detail");
        if (validates && unanswered) {
            throw new IllegalArgumentException("a check without an answer cannot find the resolver validating");
        }
    }

    /** A check that got an answer. */
    public ValidationStatus(boolean validates, String detail) {
        this(validates, detail, false);
    }
}
