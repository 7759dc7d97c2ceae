package org.starttls.policyd.core.engine;

/**
 * Which source decided, in the order they are consulted: a local override, DANE, the domain's
 * MTA-STS policy, the preload list, or none of them. The wire names are what logs, metric labels
 * and {@code policyctl lookup} show.
 */
public enum DecisionSource {
    /** The operator's local override for the domain. */
    OVERRIDE("override"),
    /** DNSSEC-signed TLSA records. */
    DANE("dane"),
    /** The domain's own MTA-STS policy, live or cached (any mode). */
    MTA_STS("mta-sts"),
    /** The signature-verified preload list. */
    LIST("list"),
    /** No source has anything for the domain. */
    NONE("none");

    private final String wireName;

    DecisionSource(String wireName) {
        this.wireName = wireName;
    }

    /** {@code mta-sts}, {@code list}, ...: the spelling in logs, metrics and {@code policyctl}. */
    public String wireName() {
        return wireName;
    }
}
