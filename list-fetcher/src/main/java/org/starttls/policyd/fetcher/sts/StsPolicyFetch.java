package org.starttls.policyd.fetcher.sts;

import java.time.Instant;
import java.util.Objects;
import org.starttls.policyd.core.sts.StsPolicyResult;

/**
 * The outcome of one policy fetch: the host served a body that was {@link Parsed} (a valid policy,
 * or an invalid one with the parser's reason), or the fetch {@link Failed} before there was a
 * body to parse.
 *
 * <p>Both carry {@code certificateNotAfter}: when the policy host's certificate stops being valid,
 * known only once a TLS handshake has verified it (chain and name), else null. A check reads it to
 * warn before the certificate expires, since an expired one leaves every sender without a cached
 * policy with no policy at all.
 */
public sealed interface StsPolicyFetch {

    /** The verified certificate's notAfter, or null when no handshake completed. */
    Instant certificateNotAfter();

    /** This outcome, with the notAfter of the certificate the handshake verified. */
    StsPolicyFetch withCertificateNotAfter(Instant notAfter);

    /** HTTP 200, {@code text/plain}, within the size limit: the parser's verdict on the body. */
    record Parsed(StsPolicyResult result, Instant certificateNotAfter) implements StsPolicyFetch {
        public Parsed {
            Objects.requireNonNull(result, "result");
        }

        /** A verdict from a source without TLS (or before the certificate is known). */
        public Parsed(StsPolicyResult result) {
            this(result, null);
        }

        @Override
        public Parsed withCertificateNotAfter(Instant notAfter) {
            return new Parsed(result, notAfter);
        }
    }

    /** No body to parse; {@code detail} is one sentence for an operator, safe to log. */
    record Failed(StsFailure kind, String detail, Instant certificateNotAfter) implements StsPolicyFetch {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }

        /** A failure before (or without) a verified handshake. */
        public Failed(StsFailure kind, String detail) {
            this(kind, detail, null);
        }

        @Override
        public Failed withCertificateNotAfter(Instant notAfter) {
            return new Failed(kind, detail, notAfter);
        }
    }
}
