package org.starttls.policyd.core.engine;

/** What to do with domains the list marks {@code testing}. */
public enum TestingDomains {
    /** EFF's rule: testing domains are not enforced (reported only). The default. */
    REPORT_ONLY,
    /** EFF's "early adopter" switch: treat testing domains as enforce. */
    ENFORCE
}
