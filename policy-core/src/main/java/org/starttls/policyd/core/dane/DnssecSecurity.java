package org.starttls.policyd.core.dane;

/**
 * What a validating resolver said about one RRset (or its proven absence). Only {@link #SECURE}
 * answers may support DANE; {@link #BOGUS} and {@link #FAILED} mean nothing is known, which must
 * never be read as "no records".
 */
public enum DnssecSecurity {
    /** Validated: the resolver set AD on an answer (data, NODATA or NXDOMAIN) we trust AD from. */
    SECURE,
    /** Answered without AD: unsigned zone, insecure delegation, or a resolver whose AD we ignore. */
    INSECURE,
    /** The resolver found the signatures broken (SERVFAIL marked as a DNSSEC failure). */
    BOGUS,
    /** No usable answer: SERVFAIL, REFUSED, timeout, no route, a malformed reply. */
    FAILED;

    /** True when nothing is known about the RRset. */
    public boolean isFailure() {
        return this == BOGUS || this == FAILED;
    }
}
