package org.starttls.policyd.core.signature;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.util.encoders.Hex;

/**
 * The public keys an operator trusts to sign lists: an OpenPGP keyring, armored or binary, with
 * one or more primary keys (and their subkeys). Only keys in here can make a list acceptable.
 */
public final class PinnedKeyring {
    /** A keyring is a few KiB; refuse anything much larger before parsing it. */
    public static final int MAX_KEYRING_BYTES = 1024 * 1024;
    /** Armored blocks one after the other in one keyring file (one per signer, a handful in practice). */
    static final int MAX_ARMORED_BLOCKS = 64;

    private final PGPPublicKeyRingCollection rings;
    private final String description;

    private PinnedKeyring(PGPPublicKeyRingCollection rings, String description) {
        this.rings = rings;
        this.description = description;
    }

    public static PinnedKeyring read(Path file) throws SignatureVerificationException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_KEYRING_BYTES) {
                throw new SignatureVerificationException("keyring " + file + " is larger than "
                        + MAX_KEYRING_BYTES + " bytes; is this a keyring?");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SignatureVerificationException("keyring " + file + " does not exist");
        } catch (IOException e) {
            throw new SignatureVerificationException("cannot read keyring " + file + ": " + e.getMessage(), e);
        }
        return read(bytes, "keyring " + file);
    }

    /** Parses an armored or binary public keyring; {@code description} names it in errors. */
    public static PinnedKeyring read(byte[] bytes, String description) throws SignatureVerificationException {
        if (bytes.length == 0) {
            throw new SignatureVerificationException(description + " is empty");
        }
        if (bytes.length > MAX_KEYRING_BYTES) {
            throw new SignatureVerificationException(description + " is larger than " + MAX_KEYRING_BYTES + " bytes");
        }
        PGPPublicKeyRingCollection rings;
        try {
            rings = parse(bytes);
        } catch (IOException | PGPException | RuntimeException e) {
            throw new SignatureVerificationException(description + " is not an OpenPGP public keyring"
                    + (looksLikeSecretKey(bytes) ? " (it holds a SECRET key: pin the public key only)" : "")
                    + ": " + e.getMessage(), e);
        }
        if (rings.size() == 0) {
            throw new SignatureVerificationException(description + " holds no public key");
        }
        return new PinnedKeyring(rings, description);
    }

    /**
     * Every keyring in {@code bytes}: binary, or one or more armored blocks one after the other (as
     * {@code cat old/public.asc new/public.asc} makes them), every block read: none after the first
     * is silently dropped. Text between blocks is ignored, as GnuPG ignores it.
     */
    private static PGPPublicKeyRingCollection parse(byte[] bytes) throws IOException, PGPException {
        if (!isArmored(bytes)) {
            try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
                return new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
            }
        }
        Map<Long, PGPPublicKeyRing> byPrimary = new LinkedHashMap<>();
        // One armored stream reads the blocks in turn: each ends with -1, then the next begins.
        try (ArmoredInputStream armor = new ArmoredInputStream(new ByteArrayInputStream(bytes))) {
            for (int block = 1; !armor.isEndOfStream(); block++) {
                if (block > MAX_ARMORED_BLOCKS) {
                    throw new PGPException("more than " + MAX_ARMORED_BLOCKS + " armored blocks");
                }
                for (PGPPublicKeyRing ring : new PGPPublicKeyRingCollection(armor, new BcKeyFingerprintCalculator())) {
                    // The same key pasted twice is one key, not an error.
                    byPrimary.putIfAbsent(ring.getPublicKey().getKeyID(), ring);
                }
            }
        }
        return new PGPPublicKeyRingCollection(new ArrayList<>(byPrimary.values()));
    }

    private static boolean isArmored(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '-';
            }
        }
        return false;
    }

    private static boolean looksLikeSecretKey(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
        if (text.contains("PRIVATE KEY BLOCK")) {
            return true;
        }
        // Binary: an old- or new-format packet header with tag 5 (secret key).
        int first = bytes[0] & 0xff;
        int tag = (first & 0x40) != 0 ? first & 0x3f : (first >> 2) & 0x0f;
        return (first & 0x80) != 0 && tag == 5;
    }

    /** The keyring holding the key with this 64-bit ID, or null. */
    PGPPublicKeyRing ringFor(long keyId) {
        return rings.getPublicKeyRing(keyId);
    }

    /** Upper-case hex fingerprints of the primary keys. */
    public List<String> primaryFingerprints() {
        List<String> result = new ArrayList<>();
        for (Iterator<PGPPublicKeyRing> it = rings.getKeyRings(); it.hasNext(); ) {
            result.add(fingerprint(it.next().getPublicKey()));
        }
        return result;
    }

    public String description() {
        return description;
    }

    /** The keyring in binary OpenPGP form, as {@link #read(byte[], String)} reads it back. */
    public byte[] encoded() {
        try {
            return rings.getEncoded();
        } catch (IOException e) {
            // Encoding parsed key packets into memory cannot fail; a failure here is a bug.
            throw new IllegalStateException("cannot encode " + description, e);
        }
    }

    /** Whether both hold the same primary keys (the test a key rotation is told by). */
    public boolean sameKeysAs(PinnedKeyring other) {
        return new java.util.TreeSet<>(primaryFingerprints()).equals(new java.util.TreeSet<>(other.primaryFingerprints()));
    }

    static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return description + " " + primaryFingerprints();
    }
}
