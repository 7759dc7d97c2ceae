package org.starttls.policyd.fetcher.sts;

import java.util.Objects;
import org.starttls.policyd.core.sts.StsPolicyResult;

/**
 * The outcome of one policy fetch: the host served a body that was {@link Parsed} (a valid policy,
 * or an invalid one with the parser's reason), or the fetch {@link Failed} before there was a
 * body to parse.
 */
public sealed interface StsPolicyFetch {

    /** HTTP 200, {@code text/plain}, within the size limit: the parser's verdict on the body. */
    record Parsed(StsPolicyResult result) implements StsPolicyFetch {
        public Parsed {
            Objects.requireNonNull(result, "result");
        }
    }

    /** No body to parse; {@code detail} is one sentence for an operator, safe to log. */
    record Failed(StsFailure kind, String detail) implements StsPolicyFetch {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
