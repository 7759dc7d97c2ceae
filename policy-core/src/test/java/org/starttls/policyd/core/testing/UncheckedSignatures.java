package org.starttls.policyd.core.testing;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;

/**
 * Signatures that {@code ListSigner} would refuse to make (by an expired key, say), made straight
 * from a secret keyring with Bouncy Castle, so tests can show that verifiers refuse them too.
 */
public final class UncheckedSignatures {
    private UncheckedSignatures() {
    }

    /** A binary detached signature over {@code data} dated {@code when}, by the ring's (last) signing subkey. */
    public static byte[] bySubkey(byte[] armoredSecretKeyring, byte[] data, Instant when) {
        try {
            PGPSecretKeyRing ring = new PGPSecretKeyRing(
                    PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSecretKeyring)),
                    new BcKeyFingerprintCalculator());
            PGPSecretKey subkey = null;
            for (PGPSecretKey candidate : ring) {
                if (!candidate.isMasterKey()) {
                    subkey = candidate;
                }
            }
            if (subkey == null) {
                throw new IllegalArgumentException("the keyring has no subkey");
            }
            PGPSignatureGenerator generator = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(
                    subkey.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512), subkey.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, subkey.extractPrivateKey(null));
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, Date.from(when));
            hashed.setIssuerFingerprint(false, subkey.getPublicKey());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(data);
            return generator.generate().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }
}
