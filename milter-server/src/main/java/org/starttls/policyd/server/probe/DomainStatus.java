package org.starttls.policyd.server.probe;

/** What the probe of a domain concluded. */
public enum DomainStatus {
    /** At least one policy-matching MX passed every check. */
    SECURE,
    /** Every reachable, policy-matching MX failed, or no MX matches the policy. */
    DOWNGRADE,
    /** No evidence either way: DNS failed, or no policy-matching MX could be reached. */
    UNKNOWN
}
