package org.starttls.policyd.fetcher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;

/**
 * The keyring a generation was installed under, kept inside the generation beside its list and
 * signature ({@value #KEYRING_FILE}, binary OpenPGP, and {@value #FINGERPRINTS_FILE}, one primary
 * key fingerprint per line for people and as a check). Because it is sealed and switched with the
 * pair, a reader that names no keyring verifies the installed list against exactly the keys it
 * was accepted under.
 */
public final class KeyringRecord {
    public static final String KEYRING_FILE = "keyring.pgp";
    public static final String FINGERPRINTS_FILE = "keyring.fingerprints";

    private final byte[] keyring;
    private final byte[] fingerprints;
    private final String location;

    KeyringRecord(byte[] keyring, byte[] fingerprints, String location) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.fingerprints = Objects.requireNonNull(fingerprints, "fingerprints");
        this.location = Objects.requireNonNull(location, "location");
    }

    /** The two files' contents for {@code keyring}. */
    static byte[][] filesFor(PinnedKeyring keyring) {
        StringBuilder text = new StringBuilder("# primary keys of the keyring this list was verified under when installed\n"
                + "# (" + keyring.description().replace('\n', ' ') + ")\n");
        keyring.primaryFingerprints().forEach(fingerprint -> text.append(fingerprint).append('\n'));
        return new byte[][] {keyring.encoded(), text.toString().getBytes(StandardCharsets.UTF_8)};
    }

    /**
     * The recorded keyring, parsed and checked against its fingerprint file; a record that fails
     * either is damaged and trusted for nothing.
     */
    public PinnedKeyring keyring() throws StateDirectoryException {
        PinnedKeyring parsed;
        try {
            parsed = PinnedKeyring.read(keyring, "the keyring recorded in " + location);
        } catch (SignatureVerificationException e) {
            throw new StateDirectoryException("the keyring record in " + location + " is damaged: " + e.getMessage(), e);
        }
        if (!new TreeSet<>(parsed.primaryFingerprints()).equals(new TreeSet<>(recordedFingerprints()))) {
            throw new StateDirectoryException("the keyring record in " + location + " is damaged: " + KEYRING_FILE
                    + " holds " + parsed.primaryFingerprints() + " but " + FINGERPRINTS_FILE + " says "
                    + recordedFingerprints());
        }
        return parsed;
    }

    /** The fingerprints as written in {@value #FINGERPRINTS_FILE}. */
    public List<String> recordedFingerprints() {
        List<String> result = new ArrayList<>();
        for (String line : new String(fingerprints, StandardCharsets.UTF_8).split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                result.add(trimmed);
            }
        }
        return result;
    }

    /** The generation directory the record was read from. */
    public String location() {
        return location;
    }

    boolean sameBytes(KeyringRecord other) {
        return other != null && Arrays.equals(keyring, other.keyring) && Arrays.equals(fingerprints, other.fingerprints);
    }
}
