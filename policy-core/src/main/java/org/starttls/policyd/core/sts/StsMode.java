package org.starttls.policyd.core.sts;

import java.util.Locale;

/** The {@code mode} of an MTA-STS policy (RFC 8461 section 5). */
public enum StsMode {
    /** Deliver only over verified TLS to a matching MX host. */
    ENFORCE("enforce"),
    /** Report failures but deliver anyway. */
    TESTING("testing"),
    /** The domain withdrew its policy: forget the cached one (RFC 8461 section 8.3). */
    NONE("none");

    private final String wireName;

    StsMode(String wireName) {
        this.wireName = wireName;
    }

    /** The value as a policy file writes it, lower case. */
    public String wireName() {
        return wireName;
    }

    /**
     * The mode {@code value} names, ignoring case ({@code Enforce} is {@code enforce}: a domain that
     * capitalised its mode meant it), or null for anything else.
     */
    static StsMode fromValue(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        for (StsMode mode : values()) {
            if (mode.wireName.equals(lower)) {
                return mode;
            }
        }
        return null;
    }
}
