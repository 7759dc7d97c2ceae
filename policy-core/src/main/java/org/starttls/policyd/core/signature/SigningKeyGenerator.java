package org.starttls.policyd.core.signature;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * Makes a key to sign lists with, shaped as GnuPG makes one: a primary key that only certifies
 * (so it can later be kept offline) and a signing subkey bound to it, with the subkey's
 * back-signature, both expiring at the same time. Every self-signature is dated at the key's
 * creation, so a key made under a test clock is consistent in itself.
 */
public final class SigningKeyGenerator {
    private static final int RSA_BITS = 3072;
    private static final int HASH = HashAlgorithmTags.SHA512;

    private SigningKeyGenerator() {
    }

    /**
     * A new key pair for {@code userId}, created at {@code created} (whole seconds) and expiring at
     * {@code expires}, which must be later.
     */
    public static GeneratedKey generate(String userId, KeyAlgorithm algorithm, Instant created, Instant expires,
            SecureRandom random) {
        Objects.requireNonNull(userId, "userId");
        Instant createdSeconds = created.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long validSeconds = Duration.between(createdSeconds, expires).getSeconds();
        if (validSeconds <= 0) {
            throw new IllegalArgumentException("the key must expire after it is created");
        }
        try {
            PGPKeyPair primary = newPair(algorithm, createdSeconds, random);
            PGPKeyPair subkey = newPair(algorithm, createdSeconds, random);
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                    new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
                    primarySelfSignature(primary, createdSeconds, validSeconds), null,
                    signerFor(primary), null);
            // The signer builder makes the subkey's back-signature (primary key binding), which
            // GnuPG and our verifier require of a signing subkey.
            rings.addSubKey(subkey, subkeyBinding(primary, createdSeconds, validSeconds), null, signerFor(subkey));
            return new GeneratedKey(rings.generateSecretKeyRing(), rings.generatePublicKeyRing(), algorithm, userId,
                    createdSeconds, createdSeconds.plusSeconds(validSeconds));
        } catch (PGPException e) {
            // Only our own parameters go in here; a failure is a bug, not an operator's mistake.
            throw new IllegalStateException("cannot generate an OpenPGP key: " + e.getMessage(), e);
        }
    }

    private static PGPSignatureSubpacketVector primarySelfSignature(PGPKeyPair primary, Instant created,
            long validSeconds) {
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(true, Date.from(created));
        hashed.setIssuerFingerprint(false, primary.getPublicKey());
        hashed.setKeyFlags(false, KeyFlags.CERTIFY_OTHER);
        hashed.setKeyExpirationTime(false, validSeconds);
        hashed.setPrimaryUserID(false, true);
        hashed.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384,
            HashAlgorithmTags.SHA256});
        hashed.setPreferredSymmetricAlgorithms(false, new int[] {SymmetricKeyAlgorithmTags.AES_256,
            SymmetricKeyAlgorithmTags.AES_128});
        hashed.setPreferredCompressionAlgorithms(false, new int[] {CompressionAlgorithmTags.ZLIB,
            CompressionAlgorithmTags.UNCOMPRESSED});
        hashed.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        return hashed.generate();
    }

    private static PGPSignatureSubpacketVector subkeyBinding(PGPKeyPair primary, Instant created, long validSeconds) {
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(true, Date.from(created));
        hashed.setIssuerFingerprint(false, primary.getPublicKey());
        hashed.setKeyFlags(false, KeyFlags.SIGN_DATA);
        hashed.setKeyExpirationTime(false, validSeconds);
        return hashed.generate();
    }

    private static BcPGPContentSignerBuilder signerFor(PGPKeyPair pair) {
        return new BcPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(), HASH);
    }

    private static PGPKeyPair newPair(KeyAlgorithm algorithm, Instant created, SecureRandom random)
            throws PGPException {
        switch (algorithm) {
            case ED25519: {
                Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
                generator.init(new Ed25519KeyGenerationParameters(random));
                return new BcPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, generator.generateKeyPair(),
                        Date.from(created));
            }
            case RSA3072: {
                RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
                generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), random, RSA_BITS, 80));
                AsymmetricCipherKeyPair pair = generator.generateKeyPair();
                return new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, pair, Date.from(created));
            }
            default:
                throw new IllegalArgumentException("unknown algorithm " + algorithm);
        }
    }
}
