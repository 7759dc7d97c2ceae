package org.starttls.policyd.core.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.EffFixture;
import org.starttls.policyd.core.testing.TestKey;
import org.starttls.policyd.core.testing.TestKeys;

class SignatureVerifierTest {
    private static final byte[] DATA = "{\"version\":\"0.1\"}\n".getBytes(UTF_8);
    private static final Instant SIGNED = Instant.parse("2020-05-20T12:00:00Z");

    private static String failure(PinnedKeyring keyring, byte[] data, byte[] signature) {
        return assertThrows(SignatureVerificationException.class,
                () -> new SignatureVerifier(keyring).verify(data, signature)).getMessage();
    }

    private static byte[] binaryEffKey() throws IOException {
        try (InputStream in = SignatureVerifierTest.class.getResourceAsStream("/eff/authority.key.gpg")) {
            return in.readAllBytes();
        }
    }

    @Test
    void realEffListVerifiesWithArmoredAndBinaryKeyrings() throws Exception {
        for (byte[] key : new byte[][] {EffFixture.armoredKey(), binaryEffKey()}) {
            SignatureInfo info = new SignatureVerifier(PinnedKeyring.read(key, "eff"))
                    .verify(EffFixture.listBytes(), EffFixture.signatureBytes());
            assertEquals("2C319DE47066C200DFDC4D6B842AEA40C5BCD6E1", info.signingKeyFingerprint());
            assertEquals("B693F33372E965D76D55368616EEA65D03326C9D", info.primaryKeyFingerprint());
            assertEquals("STARTTLS Everywhere Team <starttls-policy@eff.org>", info.userId());
            assertEquals("2020-05-20", info.signatureTime().toString().substring(0, 10));
        }
    }

    @Test
    void oneTamperedByteOfTheRealListFails() throws Exception {
        byte[] tampered = EffFixture.listBytes();
        tampered[tampered.length / 2] ^= 0x01;
        String message = failure(PinnedKeyring.read(EffFixture.armoredKey(), "eff"), tampered, EffFixture.signatureBytes());
        assertTrue(message.startsWith("BAD signature"), message);
    }

    @Test
    void armoredAndBinarySignaturesByThePrimaryVerify() throws Exception {
        TestKey key = TestKeys.primary();
        for (boolean armored : new boolean[] {true, false}) {
            SignatureInfo info = new SignatureVerifier(key.keyring())
                    .verify(DATA, key.sign(DATA, SIGNED, HashAlgorithmTags.SHA256, armored));
            assertEquals(key.primaryFingerprint(), info.signingKeyFingerprint());
            assertEquals(SIGNED, info.signatureTime());
            assertEquals("List Signer <signer@example.org>", info.userId());
        }
        assertEquals(key.primaryFingerprint(), new SignatureVerifier(PinnedKeyring.read(key.binaryKeyring(), "bin"))
                .verify(DATA, key.sign(DATA, SIGNED)).primaryKeyFingerprint());
    }

    @Test
    void boundSigningSubkeyCounts() throws Exception {
        TestKey key = TestKeys.withSigningSubkey();
        SignatureInfo info = new SignatureVerifier(key.keyring()).verify(DATA, key.sign(DATA, SIGNED));
        assertEquals(key.signingFingerprint(), info.signingKeyFingerprint());
        assertEquals(key.primaryFingerprint(), info.primaryKeyFingerprint());
        assertTrue(!key.signingFingerprint().equals(key.primaryFingerprint()));
    }

    @Test
    void unboundSubkeyFails() {
        TestKey key = TestKeys.withUnboundSubkey();
        String message = failure(key.keyring(), DATA, key.sign(DATA, SIGNED));
        assertTrue(message.contains("is not bound to the pinned key"), message);
    }

    @Test
    void subkeyBoundForEncryptionOnlyMayNotSign() {
        TestKey key = TestKeys.withEncryptionOnlySubkey();
        String message = failure(key.keyring(), DATA, key.sign(DATA, SIGNED));
        assertTrue(message.contains("is not allowed to sign data"), message);
    }

    @Test
    void signatureByAnotherKeyFails() {
        String message = failure(TestKeys.primary().keyring(), DATA, TestKeys.other().sign(DATA, SIGNED));
        assertTrue(message.contains("which is not in the pinned test keyring"), message);
    }

    @Test
    void tamperedDataFails() {
        TestKey key = TestKeys.primary();
        byte[] signature = key.sign(DATA, SIGNED);
        byte[] tampered = DATA.clone();
        tampered[3] ^= 0x20;
        assertTrue(failure(key.keyring(), tampered, signature).startsWith("BAD signature"));
    }

    @Test
    void revokedPrimaryFails() {
        TestKey key = TestKeys.revokedPrimary();
        String message = failure(key.keyring(), DATA, key.sign(DATA, SIGNED));
        assertTrue(message.contains("has been revoked"), message);
    }

    @Test
    void revokedSubkeyFails() {
        TestKey key = TestKeys.revokedSubkey();
        String message = failure(key.keyring(), DATA, key.sign(DATA, SIGNED));
        assertTrue(message.contains("signing subkey") && message.contains("has been revoked"), message);
    }

    @Test
    void signatureMadeAfterTheKeyExpiredFails() throws Exception {
        TestKey key = TestKeys.expired();
        Instant beforeExpiry = TestKeys.EXPIRES.minusSeconds(3600);
        assertEquals(key.primaryFingerprint(),
                new SignatureVerifier(key.keyring()).verify(DATA, key.sign(DATA, beforeExpiry)).primaryKeyFingerprint());
        String message = failure(key.keyring(), DATA, key.sign(DATA, TestKeys.EXPIRES.plusSeconds(1)));
        assertTrue(message.contains("expired at"), message);
    }

    @Test
    void signatureMadeAfterTheSubkeyExpiredFails() throws Exception {
        TestKey key = TestKeys.withExpiringSubkey();
        Instant beforeExpiry = TestKeys.EXPIRES.minusSeconds(3600);
        assertEquals(key.signingFingerprint(),
                new SignatureVerifier(key.keyring()).verify(DATA, key.sign(DATA, beforeExpiry)).signingKeyFingerprint());
        String message = failure(key.keyring(), DATA, key.sign(DATA, TestKeys.EXPIRES.plusSeconds(1)));
        assertTrue(message.startsWith("signing subkey ") && message.contains("expired at"), message);
    }

    @Test
    void weakHashIsRefused() {
        TestKey key = TestKeys.primary();
        String message = failure(key.keyring(), DATA, key.sign(DATA, SIGNED, HashAlgorithmTags.SHA1, true));
        assertTrue(message.contains("weak hash algorithm (SHA-1)"), message);
    }

    @Test
    void missingEmptyOrGarbageSignatureFails() {
        PinnedKeyring keyring = TestKeys.primary().keyring();
        assertTrue(failure(keyring, DATA, new byte[0]).contains("missing or empty"));
        assertTrue(failure(keyring, DATA, null).contains("missing or empty"));
        assertTrue(failure(keyring, DATA, "<html>Not found</html>".getBytes(UTF_8)).startsWith("not an OpenPGP signature"));
        assertTrue(failure(keyring, DATA, TestKeys.primary().armoredKeyring()).startsWith("not an OpenPGP signature"));
        assertTrue(failure(keyring, DATA, new byte[SignatureVerifier.MAX_SIGNATURE_BYTES + 1]).contains("larger than"));
    }

    @Test
    void concurrentVerificationsAgainstOneKeyringAllSucceed() throws Exception {
        TestKey key = TestKeys.withSigningSubkey();
        PinnedKeyring keyring = key.keyring();
        byte[] signature = key.sign(DATA, SIGNED);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<SignatureInfo>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> new SignatureVerifier(keyring).verify(DATA, signature)));
            }
            for (java.util.concurrent.Future<SignatureInfo> result : results) {
                assertEquals(key.signingFingerprint(), result.get().signingKeyFingerprint());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyringThatIsNotAPublicKeyringIsRefused() {
        assertThrows(SignatureVerificationException.class, () -> PinnedKeyring.read(new byte[0], "empty"));
        String garbage = assertThrows(SignatureVerificationException.class,
                () -> PinnedKeyring.read("hello".getBytes(UTF_8), "garbage")).getMessage();
        assertTrue(garbage.startsWith("garbage is not an OpenPGP public keyring"), garbage);
        String secret = assertThrows(SignatureVerificationException.class,
                () -> PinnedKeyring.read(TestKeys.primary().armoredSecretKeyring(), "secret")).getMessage();
        assertTrue(secret.contains("SECRET key"), secret);
    }
}
