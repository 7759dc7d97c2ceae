package org.starttls.policyd.core.engine;

/** What to do once the active list is past its {@code expires} time. */
public enum ExpiredList {
    /**
     * EFF's rule and the default: an expired list enforces nothing (every answer is "no policy")
     * and the operator is warned loudly. Mail keeps flowing with opportunistic TLS.
     */
    ENFORCE_NOTHING,
    /** Keep enforcing the last list: safer against downgrades, but stale MX names can defer mail. */
    KEEP_ENFORCING,
    /** Defer mail to listed domains until a fresh list arrives: the strictest, for sites that prefer a queue to risk. */
    TEMPFAIL_LISTED
}
