package org.starttls.policyd.core.signature;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Iterator;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.UncheckedSignatures;

/** A generated key is the shape our own verifier (and GnuPG) requires: certify-only primary, bound signing subkey, expiry. */
class SigningKeyGeneratorTest {
    static final Instant CREATED = Instant.parse("2020-01-01T00:00:00Z");
    static final Instant EXPIRES = Instant.parse("2022-01-01T00:00:00Z");
    private static final byte[] DATA = "{\"version\":\"0.1\"}\n".getBytes(UTF_8);

    static GeneratedKey ed25519() {
        return SigningKeyGenerator.generate("Example Lists <lists@example.org>", KeyAlgorithm.ED25519, CREATED,
                EXPIRES, new SecureRandom());
    }

    @Test
    void aSubkeySignatureVerifiesUnderTheGeneratedPublicKeyring() throws Exception {
        GeneratedKey key = ed25519();
        PinnedKeyring pinned = PinnedKeyring.read(key.armoredPublicKeyring(), "generated");
        ListSigner signer = ListSigner.read(key.armoredSecretKeyring(), "private.asc");

        SignatureInfo info = new SignatureVerifier(pinned).verify(DATA,
                signer.sign(DATA, Instant.parse("2021-06-01T00:00:00Z")).armoredSignature());

        assertEquals(key.signingFingerprint(), info.signingKeyFingerprint());
        assertEquals(key.primaryFingerprint(), info.primaryKeyFingerprint());
        assertNotEquals(info.primaryKeyFingerprint(), info.signingKeyFingerprint(), "the subkey signs, not the primary");
        assertEquals("Example Lists <lists@example.org>", info.userId());
        assertEquals(java.util.List.of(key.primaryFingerprint()), pinned.primaryFingerprints());
    }

    @Test
    void thePrimaryOnlyCertifiesAndBothKeysExpireAtTheGivenTime() throws Exception {
        GeneratedKey key = ed25519();
        PGPPublicKeyRing ring = publicRing(key);
        PGPPublicKey primary = ring.getPublicKey();
        PGPPublicKey subkey = subkeyOf(ring);

        assertEquals(PublicKeyAlgorithmTags.EDDSA_LEGACY, primary.getAlgorithm(), "the form GnuPG 2.2 reads");
        assertEquals(4, primary.getVersion());
        assertEquals(KeyFlags.CERTIFY_OTHER, selfSignature(primary).getHashedSubPackets().getKeyFlags());
        PGPSignature binding = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING).next();
        assertEquals(KeyFlags.SIGN_DATA, binding.getHashedSubPackets().getKeyFlags());
        assertFalse(binding.getHashedSubPackets().getEmbeddedSignatures().isEmpty(), "the back-signature");
        assertEquals(EXPIRES, CREATED.plusSeconds(primary.getValidSeconds()));
        assertEquals(EXPIRES, CREATED.plusSeconds(subkey.getValidSeconds()));
        assertEquals(EXPIRES, key.expires());
        String armored = new String(key.armoredPublicKeyring(), US_ASCII);
        assertTrue(armored.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), armored);
        assertFalse(armored.contains("Version:"), armored);
        assertTrue(new String(key.armoredSecretKeyring(), US_ASCII).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
    }

    @Test
    void withoutTheBindingSignatureTheSubkeysSignatureIsRefused() throws Exception {
        GeneratedKey key = ed25519();
        byte[] signature = ListSigner.read(key.armoredSecretKeyring(), "private.asc")
                .sign(DATA, Instant.parse("2021-06-01T00:00:00Z")).armoredSignature();
        PGPPublicKeyRing ring = publicRing(key);
        PGPPublicKey subkey = subkeyOf(ring);
        for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
            subkey = PGPPublicKey.removeCertification(subkey, it.next());
        }
        PinnedKeyring unbound = PinnedKeyring.read(PGPPublicKeyRing.insertPublicKey(ring, subkey).getEncoded(), "unbound");

        String message = assertThrows(SignatureVerificationException.class,
                () -> new SignatureVerifier(unbound).verify(DATA, signature)).getMessage();
        assertTrue(message.contains("is not bound to the pinned key"), message);
    }

    @Test
    void aSignatureMadeAfterTheKeyExpiredIsRefusedByTheVerifier() throws Exception {
        GeneratedKey key = ed25519();
        byte[] late = UncheckedSignatures.bySubkey(key.armoredSecretKeyring(), DATA, Instant.parse("2022-01-02T00:00:00Z"));

        String message = assertThrows(SignatureVerificationException.class,
                () -> new SignatureVerifier(PinnedKeyring.read(key.armoredPublicKeyring(), "generated"))
                        .verify(DATA, late)).getMessage();
        assertTrue(message.contains("expired at 2022-01-01T00:00:00Z"), message);
    }

    @Test
    void rsa3072KeysWorkTheSameWay() throws Exception {
        GeneratedKey key = SigningKeyGenerator.generate("RSA Lists <rsa@example.org>", KeyAlgorithm.RSA3072, CREATED,
                EXPIRES, new SecureRandom());
        PGPPublicKey primary = publicRing(key).getPublicKey();
        assertEquals(PublicKeyAlgorithmTags.RSA_GENERAL, primary.getAlgorithm());
        assertEquals(3072, primary.getBitStrength());

        SignatureInfo info = new SignatureVerifier(PinnedKeyring.read(key.armoredPublicKeyring(), "rsa"))
                .verify(DATA, ListSigner.read(key.armoredSecretKeyring(), "rsa private")
                        .sign(DATA, Instant.parse("2020-02-01T00:00:00Z")).armoredSignature());
        assertEquals(key.signingFingerprint(), info.signingKeyFingerprint());
    }

    @Test
    void algorithmsAreSpelledAsOnTheCommandLine() {
        assertEquals(KeyAlgorithm.ED25519, KeyAlgorithm.of("Ed25519"));
        assertEquals(KeyAlgorithm.RSA3072, KeyAlgorithm.of("rsa3072"));
        assertThrows(IllegalArgumentException.class, () -> KeyAlgorithm.of("dsa"));
        assertThrows(IllegalArgumentException.class, () -> SigningKeyGenerator.generate("x", KeyAlgorithm.ED25519,
                CREATED, CREATED, new SecureRandom()));
    }

    static PGPPublicKeyRing publicRing(GeneratedKey key) throws Exception {
        return new PGPPublicKeyRing(PGPUtil.getDecoderStream(new ByteArrayInputStream(key.armoredPublicKeyring())),
                new BcKeyFingerprintCalculator());
    }

    private static PGPPublicKey subkeyOf(PGPPublicKeyRing ring) {
        for (PGPPublicKey key : ring) {
            if (!key.isMasterKey()) {
                return key;
            }
        }
        throw new AssertionError("no subkey");
    }

    private static PGPSignature selfSignature(PGPPublicKey primary) {
        return primary.getSignaturesOfType(PGPSignature.POSITIVE_CERTIFICATION).next();
    }
}
