package org.starttls.policyd.core.signature;

import java.util.Locale;

/**
 * The public-key algorithms a new list-signing key can use. Both are what GnuPG 2.2 (Debian 12)
 * reads and verifies: Ed25519 as OpenPGP v4 "EdDSA" (algorithm 22, RFC 4880bis), not the newer
 * RFC 9580 form that GnuPG 2.2 does not know.
 */
public enum KeyAlgorithm {
    /** Small keys and signatures, fast; GnuPG's default since 2.3. */
    ED25519("ed25519"),
    /** For consumers whose tools predate Ed25519. */
    RSA3072("rsa3072");

    private final String wireName;

    KeyAlgorithm(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling on the command line and in output: {@code ed25519}, {@code rsa3072}. */
    public String wireName() {
        return wireName;
    }

    /** The algorithm spelled {@code name} (any case); throws with the accepted spellings otherwise. */
    public static KeyAlgorithm of(String name) {
        for (KeyAlgorithm algorithm : values()) {
            if (algorithm.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not ed25519 or rsa3072");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
