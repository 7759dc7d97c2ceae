package org.starttls.policyd.core.engine;

/**
 * What a local override tells the MTA for its domains, spelled as Postfix's TLS policy levels
 * ({@code postconf(5)} {@code smtp_tls_policy_maps}); {@code none} exempts the domain (the doors
 * answer as for a domain no source knows).
 */
public enum OverridePolicy {
    /** TLS with a verified certificate whose name matches the override's {@code match} patterns. */
    SECURE("secure", Verdict.REQUIRE_TLS),
    /** DANE, deferring when the MX hosts have no usable TLSA records. */
    DANE_ONLY("dane-only", Verdict.DANE_ONLY),
    /** DANE where the MX hosts publish it, else opportunistic TLS. */
    DANE("dane", Verdict.DANE),
    /** TLS required, the certificate not verified. */
    ENCRYPT("encrypt", Verdict.ENCRYPT),
    /** No policy: the domain gets opportunistic TLS whatever the sources say. */
    NONE("none", Verdict.NO_POLICY);

    private final String wireName;
    private final Verdict verdict;

    OverridePolicy(String wireName, Verdict verdict) {
        this.wireName = wireName;
        this.verdict = verdict;
    }

    /** {@code secure}, {@code dane-only}, ...: the spelling in the overrides file and in answers. */
    public String wireName() {
        return wireName;
    }

    /** The verdict the doors translate. */
    public Verdict verdict() {
        return verdict;
    }

    /** The policy spelled {@code text} in an overrides file, or null. */
    public static OverridePolicy ofWireName(String text) {
        for (OverridePolicy policy : values()) {
            if (policy.wireName.equals(text)) {
                return policy;
            }
        }
        return null;
    }

    /**
     * Whether this override asks for less than {@code sources} would have: {@code none} is weaker
     * than anything that requires TLS or DANE; {@code encrypt} (no certificate check) weaker than
     * {@code secure} and DANE; {@code dane} (falls back to plain TLS) weaker than {@code secure}
     * and {@code dane-only}; {@code secure} weaker than {@code dane-only} (it replaces DANE
     * verification, which RFC 8461 §2 says MTA-STS must never do). A tempfail says nothing.
     */
    public boolean weakerThan(Verdict sources) {
        boolean secure = sources == Verdict.REQUIRE_TLS || sources == Verdict.DEFER_DOWNGRADE;
        switch (this) {
            case NONE:
                return secure || sources == Verdict.DANE_ONLY || sources == Verdict.DANE || sources == Verdict.ENCRYPT;
            case ENCRYPT:
                return secure || sources == Verdict.DANE_ONLY || sources == Verdict.DANE;
            case DANE:
                return secure || sources == Verdict.DANE_ONLY;
            case SECURE:
                return sources == Verdict.DANE_ONLY;
            case DANE_ONLY:
            default:
                return false;
        }
    }
}
