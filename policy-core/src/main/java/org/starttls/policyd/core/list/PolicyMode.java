package org.starttls.policyd.core.list;

/** The {@code mode} of a list entry. */
public enum PolicyMode {
    /** The domain promised TLS: the MTA must require it and verify the certificate. */
    ENFORCE("enforce"),
    /** The domain is trying TLS out: report, do not enforce (unless the operator opts in). */
    TESTING("testing");

    private final String wireName;

    PolicyMode(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling used in the list and in JSON output. */
    public String wireName() {
        return wireName;
    }

    /** Parses the list's spelling; returns null for anything else. */
    public static PolicyMode fromWireName(String text) {
        for (PolicyMode mode : values()) {
            if (mode.wireName.equals(text)) {
                return mode;
            }
        }
        return null;
    }
}
