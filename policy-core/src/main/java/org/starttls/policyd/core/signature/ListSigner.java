package org.starttls.policyd.core.signature;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;

/**
 * Makes detached signatures over lists with a secret keyring ({@code private.asc} from
 * {@code policyctl keygen}, or one exported from GnuPG without a passphrase). It signs with a key
 * that {@link SignatureVerifier} would accept at that moment, by the same rule ({@link KeyValidity}):
 * a signing subkey bound to the primary (newest first), else the primary itself when it may sign.
 * Each signature is checked against the keyring's own public part before it is handed out, so what
 * it returns is what consumers pinning that public part accept.
 */
public final class ListSigner {
    /** A secret keyring is a few KiB; anything much larger is not one. */
    public static final int MAX_SECRET_KEYRING_BYTES = PinnedKeyring.MAX_KEYRING_BYTES;

    private final PGPSecretKeyRing secretRing;
    private final PinnedKeyring publicKeyring;
    private final String description;

    private ListSigner(PGPSecretKeyRing secretRing, PinnedKeyring publicKeyring, String description) {
        this.secretRing = secretRing;
        this.publicKeyring = publicKeyring;
        this.description = description;
    }

    /** Reads an armored or binary secret keyring holding one key; {@code description} names it in errors. */
    public static ListSigner read(byte[] bytes, String description) throws SignatureVerificationException {
        Objects.requireNonNull(description, "description");
        if (bytes.length == 0) {
            throw new SignatureVerificationException(description + " is empty");
        }
        if (bytes.length > MAX_SECRET_KEYRING_BYTES) {
            throw new SignatureVerificationException(description + " is larger than " + MAX_SECRET_KEYRING_BYTES
                    + " bytes; is this a private key?");
        }
        PGPSecretKeyRingCollection rings;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
            rings = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            throw new SignatureVerificationException(description + " is not an OpenPGP private key"
                    + (looksLikePublicKey(bytes) ? " (it is a PUBLIC key: sign with private.asc)" : "")
                    + ": " + e.getMessage(), e);
        }
        if (rings.size() != 1) {
            throw new SignatureVerificationException(description + " holds " + rings.size()
                    + " private keys; export the one to sign with into a file of its own");
        }
        PGPSecretKeyRing ring = rings.getKeyRings().next();
        PinnedKeyring publicPart = PinnedKeyring.read(encode(publicRingOf(ring)), "public part of " + description);
        return new ListSigner(ring, publicPart, description);
    }

    /** The public keyring that verifies this signer's signatures: what consumers pin. */
    public PinnedKeyring publicKeyring() {
        return publicKeyring;
    }

    /** The primary key's fingerprint, upper-case hex. */
    public String primaryFingerprint() {
        return PinnedKeyring.fingerprint(secretRing.getPublicKey());
    }

    /**
     * An armored detached signature over exactly {@code data}, dated {@code when} (whole seconds),
     * by a key valid at that moment; refused with the reason when no key in the ring may sign then.
     */
    public SignedList sign(byte[] data, Instant when) throws SignatureVerificationException {
        Instant signedAt = when.truncatedTo(ChronoUnit.SECONDS);
        PGPSecretKey key = signingKeyAt(signedAt);
        byte[] signature;
        try {
            PGPPrivateKey privateKey = key.extractPrivateKey(null);
            PGPPublicKey publicKey = key.getPublicKey();
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(publicKey.getAlgorithm(), HashAlgorithmTags.SHA512), publicKey);
            generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, Date.from(signedAt));
            hashed.setIssuerFingerprint(false, publicKey);
            generator.setHashedSubpackets(hashed.generate());
            generator.update(data);
            signature = Armor.encode(generator.generate().getEncoded(), Armor.Kind.SIGNATURE);
        } catch (PGPException | IOException e) {
            throw new SignatureVerificationException("cannot sign with " + PinnedKeyring.fingerprint(key.getPublicKey())
                    + " of " + description + ": " + e.getMessage(), e);
        }
        // The consumers' own check, on the consumers' own input: never hand out a signature they refuse.
        SignatureInfo info = new SignatureVerifier(publicKeyring).verify(data, signature);
        return new SignedList(signature, info);
    }

    /**
     * When the key that would sign at {@code when} stops being valid (the earlier of the primary's
     * and the subkey's expiry), or null when neither expires.
     */
    public Instant signingKeyExpiresAt(Instant when) throws SignatureVerificationException {
        PGPSecretKey key = signingKeyAt(when.truncatedTo(ChronoUnit.SECONDS));
        Instant primary = expiryOf(secretRing.getPublicKey());
        Instant own = key.isMasterKey() ? null : expiryOf(key.getPublicKey());
        if (primary == null) {
            return own;
        }
        return own == null || primary.isBefore(own) ? primary : own;
    }

    /** A signature and what a verifier established about it. */
    public record SignedList(byte[] armoredSignature, SignatureInfo info) {
    }

    /** The creation time of the first signature in a detached signature file (read within the verifier's bounds). */
    public static Instant signatureTime(byte[] signatureBytes) throws SignatureVerificationException {
        if (signatureBytes.length > SignatureVerifier.MAX_SIGNATURE_BYTES) {
            throw new SignatureVerificationException("the signature is larger than "
                    + SignatureVerifier.MAX_SIGNATURE_BYTES + " bytes");
        }
        return SignaturePackets.read(signatureBytes).get(0).getCreationTime().toInstant();
    }

    private PGPSecretKey signingKeyAt(Instant when) throws SignatureVerificationException {
        PGPPublicKey primary = secretRing.getPublicKey();
        List<PGPSecretKey> candidates = new ArrayList<>();
        for (Iterator<PGPSecretKey> it = secretRing.getSecretKeys(); it.hasNext(); ) {
            PGPSecretKey key = it.next();
            if (!key.isMasterKey()) {
                candidates.add(key);
            }
        }
        candidates.sort((a, b) -> b.getPublicKey().getCreationTime().compareTo(a.getPublicKey().getCreationTime()));
        PGPSecretKey primarySecret = secretRing.getSecretKey();
        if (primaryMaySign(primary)) {
            candidates.add(primarySecret);
        }
        SignatureVerificationException firstRefusal = null;
        for (PGPSecretKey key : candidates) {
            try {
                checkUsable(primary, key, when);
                return key;
            } catch (SignatureVerificationException e) {
                if (firstRefusal == null) {
                    firstRefusal = e;
                }
            }
        }
        if (firstRefusal != null) {
            throw new SignatureVerificationException(description + " cannot sign at " + when + ": "
                    + firstRefusal.getMessage());
        }
        throw new SignatureVerificationException(description + " has no key that may sign data "
                + "(no signing subkey, and the primary key " + primaryFingerprint() + " only certifies)");
    }

    private void checkUsable(PGPPublicKey primary, PGPSecretKey key, Instant when)
            throws SignatureVerificationException {
        String fingerprint = PinnedKeyring.fingerprint(key.getPublicKey());
        if (key.isPrivateKeyEmpty() || isGnuDummy(key)) {
            throw new SignatureVerificationException("the secret part of " + fingerprint + " is not in this file");
        }
        if (key.getS2KUsage() != SecretKeyPacket.USAGE_NONE) {
            throw new SignatureVerificationException("key " + fingerprint + " is protected by a passphrase; "
                    + "policyctl signs with unprotected keys only (remove it: gpg --passwd, empty passphrase)");
        }
        if (when.isBefore(key.getPublicKey().getCreationTime().toInstant())) {
            throw new SignatureVerificationException("key " + fingerprint + " was created at "
                    + key.getPublicKey().getCreationTime().toInstant() + ", after " + when);
        }
        // Exactly the verifier's rule: binding, signing flag, back-signature, revocation, expiry.
        synchronized (publicKeyring) {
            KeyValidity.check(publicRingPrimary(), publicKeyOf(key), when);
        }
    }

    private PGPPublicKey publicRingPrimary() {
        return publicKeyring.ringFor(secretRing.getPublicKey().getKeyID()).getPublicKey();
    }

    private PGPPublicKey publicKeyOf(PGPSecretKey key) {
        return publicKeyring.ringFor(key.getKeyID()).getPublicKey(key.getKeyID());
    }

    private static boolean isGnuDummy(PGPSecretKey key) {
        S2K s2k = key.getS2K();
        return s2k != null && s2k.getType() == S2K.GNU_DUMMY_S2K;
    }

    /** A primary key may sign when its self-signatures grant the signing flag, or set no flags at all. */
    private static boolean primaryMaySign(PGPPublicKey primary) {
        boolean anyFlags = false;
        for (Iterator<PGPSignature> it = primary.getSignatures(); it.hasNext(); ) {
            PGPSignature signature = it.next();
            if (signature.getKeyID() != primary.getKeyID()) {
                continue;
            }
            PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
            if (hashed != null && hashed.getKeyFlags() != 0) {
                anyFlags = true;
                if ((hashed.getKeyFlags() & KeyFlags.SIGN_DATA) != 0) {
                    return true;
                }
            }
        }
        return !anyFlags;
    }

    private static Instant expiryOf(PGPPublicKey key) {
        long seconds = key.getValidSeconds();
        return seconds <= 0 ? null : key.getCreationTime().toInstant().plusSeconds(seconds);
    }

    private static PGPPublicKeyRing publicRingOf(PGPSecretKeyRing ring) {
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return new PGPPublicKeyRing(keys);
    }

    private static byte[] encode(PGPPublicKeyRing ring) {
        try {
            return ring.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a parsed keyring", e);
        }
    }

    private static boolean looksLikePublicKey(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 200), java.nio.charset.StandardCharsets.US_ASCII);
        return text.contains("PUBLIC KEY BLOCK");
    }
}
