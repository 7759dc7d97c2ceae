package org.starttls.policyd.core.signature;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Checks a detached OpenPGP signature (armored or binary) over a list's exact bytes against the
 * pinned keyring. Succeeds when one signature in the file verifies by a pinned key that was valid
 * when it signed; otherwise fails with the most telling reason.
 */
public final class SignatureVerifier {
    /** A detached signature is a few hundred bytes; anything this large is not one. */
    public static final int MAX_SIGNATURE_BYTES = 64 * 1024;

    /** Hashes too weak to trust for a security policy (MD5, SHA-1, RIPEMD-160, MD2, Tiger, HAVAL). */
    private static final Set<Integer> WEAK_HASHES = Set.of(HashAlgorithmTags.MD5, HashAlgorithmTags.SHA1,
            HashAlgorithmTags.RIPEMD160, HashAlgorithmTags.MD2, HashAlgorithmTags.TIGER_192,
            HashAlgorithmTags.HAVAL_5_160);

    private static final BcPGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

    private final PinnedKeyring keyring;

    public SignatureVerifier(PinnedKeyring keyring) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
    }

    public SignatureInfo verify(byte[] data, byte[] signatureBytes) throws SignatureVerificationException {
        List<PGPSignature> signatures = readSignatures(signatureBytes);
        // Bouncy Castle keeps verification state inside the key ring's binding and revocation
        // signatures (PGPSignature.init), so checks against one keyring must not overlap.
        synchronized (keyring) {
            return verifyAny(data, signatures);
        }
    }

    private SignatureInfo verifyAny(byte[] data, List<PGPSignature> signatures) throws SignatureVerificationException {
        SignatureVerificationException firstFailure = null;
        for (PGPSignature signature : signatures) {
            try {
                return verifyOne(data, signature);
            } catch (SignatureVerificationException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
            }
        }
        throw firstFailure;
    }

    private SignatureInfo verifyOne(byte[] data, PGPSignature signature) throws SignatureVerificationException {
        int type = signature.getSignatureType();
        if (type != PGPSignature.BINARY_DOCUMENT && type != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            throw new SignatureVerificationException(String.format(
                    "the signature is of type 0x%02x, not a signature over a document", type));
        }
        if (WEAK_HASHES.contains(signature.getHashAlgorithm())) {
            throw new SignatureVerificationException("the signature uses a weak hash algorithm ("
                    + hashName(signature.getHashAlgorithm()) + "); SHA-256 or stronger is required");
        }
        long keyId = signature.getKeyID();
        PGPPublicKeyRing ring = keyring.ringFor(keyId);
        PGPPublicKey key = ring == null ? null : ring.getPublicKey(keyId);
        if (key == null) {
            throw new SignatureVerificationException(String.format("made by key %016X, which is not in the pinned %s",
                    keyId, keyring.description()));
        }
        Instant created = signature.getCreationTime().toInstant();
        if (created.isBefore(key.getCreationTime().toInstant())) {
            throw new SignatureVerificationException("the signature is dated " + created
                    + ", before its key was created");
        }
        if (!contentMatches(data, signature, key)) {
            throw new SignatureVerificationException(
                    "BAD signature: the list was altered, or the signature belongs to another file");
        }
        PGPPublicKey primary = ring.getPublicKey();
        KeyValidity.check(primary, key, created);
        return new SignatureInfo(PinnedKeyring.fingerprint(key), PinnedKeyring.fingerprint(primary),
                firstUserId(primary), created);
    }

    private static boolean contentMatches(byte[] data, PGPSignature signature, PGPPublicKey key)
            throws SignatureVerificationException {
        try {
            signature.init(VERIFIERS, key);
            signature.update(signature.getSignatureType() == PGPSignature.CANONICAL_TEXT_DOCUMENT
                    ? CanonicalText.of(data) : data);
            return signature.verify();
        } catch (PGPException | RuntimeException e) {
            throw new SignatureVerificationException("the signature cannot be checked: " + e.getMessage(), e);
        }
    }

    private static List<PGPSignature> readSignatures(byte[] bytes) throws SignatureVerificationException {
        if (bytes == null || bytes.length == 0) {
            throw new SignatureVerificationException("the signature is missing or empty");
        }
        if (bytes.length > MAX_SIGNATURE_BYTES) {
            throw new SignatureVerificationException("the signature is larger than " + MAX_SIGNATURE_BYTES
                    + " bytes; it is not a detached signature");
        }
        return SignaturePackets.read(bytes);
    }

    private static String firstUserId(PGPPublicKey primary) {
        Iterator<String> ids = primary.getUserIDs();
        return ids.hasNext() ? ids.next() : null;
    }

    private static String hashName(int algorithm) {
        switch (algorithm) {
            case HashAlgorithmTags.MD5:
                return "MD5";
            case HashAlgorithmTags.SHA1:
                return "SHA-1";
            case HashAlgorithmTags.RIPEMD160:
                return "RIPEMD-160";
            default:
                return "algorithm " + algorithm;
        }
    }

    /** OpenPGP canonical text: every line ends in CRLF (RFC 4880 section 5.2.1, type 0x01). */
    static final class CanonicalText {
        private CanonicalText() {
        }

        static byte[] of(byte[] data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 40);
            for (int i = 0; i < data.length; i++) {
                byte b = data[i];
                if (b == '\n' && (i == 0 || data[i - 1] != '\r')) {
                    out.write('\r');
                }
                out.write(b);
            }
            return out.toByteArray();
        }
    }
}
