package org.starttls.policyd.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Keys for signature tests, generated with Bouncy Castle on first use and cached for the JVM
 * (RSA generation takes a moment). All keys are created at {@link #CREATED}, before the EFF
 * fixture's window, so they can sign lists dated in it.
 */
public final class TestKeys {
    public static final Instant CREATED = Instant.parse("2019-01-01T00:00:00Z");
    /** When {@link #expired()} stops being valid. */
    public static final Instant EXPIRES = CREATED.plus(Duration.ofDays(365));

    private static final Map<String, TestKey> CACHE = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    /** A primary key that signs directly. */
    public static TestKey primary() {
        return cached("primary", () -> generate("List Signer <signer@example.org>", false, 0));
    }

    /** A second, unrelated key: its signatures must not count for {@link #primary()}. */
    public static TestKey other() {
        return cached("other", () -> generate("Someone Else <else@example.net>", false, 0));
    }

    /** A primary key with a bound signing subkey that makes the signatures, as EFF's key does. */
    public static TestKey withSigningSubkey() {
        return cached("subkey", () -> generate("Subkey Signer <sub@example.org>", true, 0));
    }

    /** Like {@link #withSigningSubkey()}, but the subkey's binding signature was stripped. */
    public static TestKey withUnboundSubkey() {
        return cached("unbound", () -> {
            TestKey bound = generate("Unbound Subkey <unbound@example.org>", true, 0);
            PGPPublicKeyRing ring = bound.publicRing();
            PGPPublicKey subkey = subkeyOf(ring);
            for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
                subkey = PGPPublicKey.removeCertification(subkey, it.next());
            }
            return new TestKey(PGPPublicKeyRing.insertPublicKey(ring, subkey), bound.signingPairForTests(), null);
        });
    }

    /** A primary key whose only subkey is bound for encryption, not for signing, yet signs. */
    public static TestKey withEncryptionOnlySubkey() {
        return cached("encryption-subkey", () -> generateWithPrimary("Encryption Subkey <enc@example.org>", true, 0,
                KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE).key);
    }

    /** A key whose signing subkey is valid from {@link #CREATED} to {@link #EXPIRES}; the primary never expires. */
    public static TestKey withExpiringSubkey() {
        return cached("expiring-subkey", () -> generateWithPrimary("Expiring Subkey <expsub@example.org>", true, 0,
                KeyFlags.SIGN_DATA, Duration.between(CREATED, EXPIRES).getSeconds()).key);
    }

    /** A primary key that revoked itself. */
    public static TestKey revokedPrimary() {
        return cached("revoked-primary", () -> {
            TestKey key = generate("Revoked <revoked@example.org>", false, 0);
            PGPPublicKey primary = key.publicRing().getPublicKey();
            PGPSignature revocation = certify(key.signingPairForTests(), PGPSignature.KEY_REVOCATION, null, primary);
            PGPPublicKey revoked = PGPPublicKey.addCertification(primary, revocation);
            return new TestKey(PGPPublicKeyRing.insertPublicKey(key.publicRing(), revoked), key.signingPairForTests(), null);
        });
    }

    /** A key whose signing subkey was revoked by the primary. */
    public static TestKey revokedSubkey() {
        return cached("revoked-subkey", () -> {
            TestKeyWithPrimary generated = generateWithPrimary("Revoked Subkey <revsub@example.org>", true, 0);
            PGPPublicKeyRing ring = generated.key.publicRing();
            PGPPublicKey subkey = subkeyOf(ring);
            PGPSignature revocation = certify(generated.primaryPair, PGPSignature.SUBKEY_REVOCATION,
                    ring.getPublicKey(), subkey);
            PGPPublicKey revoked = PGPPublicKey.addCertification(subkey, revocation);
            return new TestKey(PGPPublicKeyRing.insertPublicKey(ring, revoked),
                    generated.key.signingPairForTests(), null);
        });
    }

    /** A primary key valid from {@link #CREATED} to {@link #EXPIRES}. */
    public static TestKey expired() {
        return cached("expired", () -> generate("Expiring <expiring@example.org>", false,
                Duration.between(CREATED, EXPIRES).getSeconds()));
    }

    private static TestKey cached(String name, Supplier<TestKey> generator) {
        return CACHE.computeIfAbsent(name, n -> generator.get());
    }

    private record TestKeyWithPrimary(TestKey key, PGPKeyPair primaryPair) {
    }

    private static TestKey generate(String userId, boolean signingSubkey, long validSeconds) {
        return generateWithPrimary(userId, signingSubkey, validSeconds).key;
    }

    private static TestKeyWithPrimary generateWithPrimary(String userId, boolean signingSubkey, long validSeconds) {
        return generateWithPrimary(userId, signingSubkey, validSeconds, KeyFlags.SIGN_DATA);
    }

    private static TestKeyWithPrimary generateWithPrimary(String userId, boolean signingSubkey, long validSeconds,
            int subkeyFlags) {
        return generateWithPrimary(userId, signingSubkey, validSeconds, subkeyFlags, 0);
    }

    private static TestKeyWithPrimary generateWithPrimary(String userId, boolean signingSubkey, long validSeconds,
            int subkeyFlags, long subkeyValidSeconds) {
        try {
            PGPKeyPair primary = TestKey.newRsaPair(CREATED);
            PGPSignatureSubpacketGenerator self = new PGPSignatureSubpacketGenerator();
            self.setKeyFlags(true, signingSubkey ? KeyFlags.CERTIFY_OTHER : KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            self.setSignatureCreationTime(true, java.util.Date.from(CREATED));
            if (validSeconds > 0) {
                self.setKeyExpirationTime(true, validSeconds);
            }
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                    new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), self.generate(), null,
                    new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                    null);
            PGPKeyPair signing = primary;
            if (signingSubkey) {
                PGPKeyPair subkey = TestKey.newRsaPair(CREATED);
                PGPSignatureSubpacketGenerator binding = new PGPSignatureSubpacketGenerator();
                binding.setKeyFlags(true, subkeyFlags);
                if (subkeyValidSeconds > 0) {
                    binding.setKeyExpirationTime(true, subkeyValidSeconds);
                }
                binding.setSignatureCreationTime(true, java.util.Date.from(CREATED));
                // The signer builder makes the subkey's back-signature, which signing subkeys need.
                rings.addSubKey(subkey, binding.generate(), null,
                        new BcPGPContentSignerBuilder(subkey.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256));
                signing = subkey;
            }
            PGPPublicKeyRing ring = rings.generatePublicKeyRing();
            PGPKeyPair signingAsInRing = new PGPKeyPair(ring.getPublicKey(signing.getKeyID()), signing.getPrivateKey());
            PGPKeyPair primaryAsInRing = new PGPKeyPair(ring.getPublicKey(), primary.getPrivateKey());
            return new TestKeyWithPrimary(new TestKey(ring, signingAsInRing, rings.generateSecretKeyRing()), primaryAsInRing);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PGPPublicKey subkeyOf(PGPPublicKeyRing ring) {
        for (PGPPublicKey key : ring) {
            if (!key.isMasterKey()) {
                return key;
            }
        }
        throw new IllegalStateException("no subkey");
    }

    private static PGPSignature certify(PGPKeyPair signer, int type, PGPPublicKey primaryOrNull, PGPPublicKey target) {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(signer.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                    signer.getPublicKey());
            generator.init(type, signer.getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, java.util.Date.from(CREATED.plusSeconds(60)));
            generator.setHashedSubpackets(hashed.generate());
            return primaryOrNull == null
                    ? generator.generateCertification(target)
                    : generator.generateCertification(primaryOrNull, target);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }
}
