package org.starttls.policyd.core.signature;

import java.time.Instant;
import java.util.Iterator;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Whether a pinned key may have made a signature at a given time: the key is the primary or a
 * subkey bound to it (with a valid binding signature, the signing flag and the subkey's
 * back-signature, as GnuPG requires), neither is revoked, and neither had expired.
 */
final class KeyValidity {
    private static final BcPGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

    private KeyValidity() {
    }

    /** Throws with the reason when {@code key} (of the ring whose primary is {@code primary}) may not sign at {@code when}. */
    static void check(PGPPublicKey primary, PGPPublicKey key, Instant when) throws SignatureVerificationException {
        String primaryId = PinnedKeyring.fingerprint(primary);
        checkNotRevoked(primary, null, "the pinned key " + primaryId + " has been revoked");
        checkNotExpired(primary, when, "the pinned key " + primaryId);
        if (key.isMasterKey()) {
            return;
        }
        String subkeyId = PinnedKeyring.fingerprint(key);
        PGPSignature binding = validBinding(primary, key);
        if (binding == null) {
            throw new SignatureVerificationException("signing subkey " + subkeyId
                    + " is not bound to the pinned key " + primaryId + " by a valid binding signature");
        }
        PGPSignatureSubpacketVector hashed = binding.getHashedSubPackets();
        if (hashed != null && hashed.getKeyFlags() != 0 && (hashed.getKeyFlags() & KeyFlags.SIGN_DATA) == 0) {
            throw new SignatureVerificationException("subkey " + subkeyId + " is not allowed to sign data");
        }
        if (!hasValidBackSignature(primary, key, binding)) {
            throw new SignatureVerificationException("signing subkey " + subkeyId
                    + " lacks a valid back-signature (primary key binding) to " + primaryId);
        }
        checkNotRevoked(key, primary, "signing subkey " + subkeyId + " has been revoked");
        checkNotExpired(key, when, "signing subkey " + subkeyId);
    }

    private static PGPSignature validBinding(PGPPublicKey primary, PGPPublicKey subkey) {
        for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
            PGPSignature binding = it.next();
            if (binding.getKeyID() == primary.getKeyID() && verifiesCertification(binding, primary, primary, subkey)) {
                return binding;
            }
        }
        return null;
    }

    private static boolean hasValidBackSignature(PGPPublicKey primary, PGPPublicKey subkey, PGPSignature binding) {
        for (PGPSignatureSubpacketVector vector : new PGPSignatureSubpacketVector[] {
                binding.getHashedSubPackets(), binding.getUnhashedSubPackets()}) {
            if (vector == null) {
                continue;
            }
            try {
                PGPSignatureList embedded = vector.getEmbeddedSignatures();
                for (PGPSignature back : embedded) {
                    if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING
                            && verifiesCertification(back, subkey, primary, subkey)) {
                        return true;
                    }
                }
            } catch (PGPException e) {
                // A malformed embedded signature is simply not a valid back-signature.
            }
        }
        return false;
    }

    /** A revocation counts only when it verifies (by the key itself, or by the primary for a subkey). */
    private static void checkNotRevoked(PGPPublicKey key, PGPPublicKey primaryOrNull, String message)
            throws SignatureVerificationException {
        int type = primaryOrNull == null ? PGPSignature.KEY_REVOCATION : PGPSignature.SUBKEY_REVOCATION;
        for (Iterator<PGPSignature> it = key.getSignaturesOfType(type); it.hasNext(); ) {
            PGPSignature revocation = it.next();
            boolean valid = primaryOrNull == null
                    ? verifiesKeyCertification(revocation, key)
                    : verifiesCertification(revocation, primaryOrNull, primaryOrNull, key);
            if (valid) {
                throw new SignatureVerificationException(message);
            }
        }
    }

    private static void checkNotExpired(PGPPublicKey key, Instant when, String name) throws SignatureVerificationException {
        long validSeconds = key.getValidSeconds();
        if (validSeconds <= 0) {
            return;
        }
        Instant expiry = key.getCreationTime().toInstant().plusSeconds(validSeconds);
        if (!when.isBefore(expiry)) {
            throw new SignatureVerificationException(name + " expired at " + expiry
                    + ", before the signature was made (" + when + ")");
        }
    }

    private static boolean verifiesCertification(PGPSignature signature, PGPPublicKey signer,
            PGPPublicKey primary, PGPPublicKey subkey) {
        try {
            signature.init(VERIFIERS, signer);
            return signature.verifyCertification(primary, subkey);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static boolean verifiesKeyCertification(PGPSignature signature, PGPPublicKey key) {
        try {
            signature.init(VERIFIERS, key);
            return signature.verifyCertification(key);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }
}
