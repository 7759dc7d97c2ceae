package org.starttls.policyd.core.engine;

/** What the MTA must be told; each front door translates it into its own protocol. */
public enum Verdict {
    /** Require TLS, verify the certificate, MX must match the policy (socketmap: {@code OK secure ...}). */
    REQUIRE_TLS,
    /** No policy applies: opportunistic TLS as usual (socketmap: {@code NOTFOUND}). */
    NO_POLICY,
    /** The answer cannot be given safely right now: the MTA must try again later ({@code TEMP}). */
    TEMPFAIL,
    /** The domain requires TLS and its path is known to be under a downgrade: defer at receipt. */
    DEFER_DOWNGRADE,
    /** Every MX host has validated, usable TLSA records: Postfix verifies DANE itself (socketmap: {@code OK dane-only}). */
    DANE_ONLY,
    /** DANE applies to some MX hosts: Postfix decides per host (socketmap: {@code OK dane}). */
    DANE,
    /** TLS required, the certificate not verified: only a local override says so (socketmap: {@code OK encrypt}). */
    ENCRYPT
}
