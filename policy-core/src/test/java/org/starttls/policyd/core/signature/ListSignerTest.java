package org.starttls.policyd.core.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.TestKeys;

class ListSignerTest {
    private static final byte[] DATA = "{\"version\":\"0.1\"}\n".getBytes(UTF_8);
    private static final GeneratedKey KEY = SigningKeyGeneratorTest.ed25519();

    private static String refusal(byte[] secret, Instant when) {
        return assertThrows(SignatureVerificationException.class,
                () -> ListSigner.read(secret, "private.asc").sign(DATA, when)).getMessage();
    }

    @Test
    void signsWithTheSubkeyAtTheGivenTimeInWholeSeconds() throws Exception {
        Instant when = Instant.parse("2021-03-04T05:06:07.890Z");
        ListSigner.SignedList signed = ListSigner.read(KEY.armoredSecretKeyring(), "private.asc").sign(DATA, when);

        assertEquals(Instant.parse("2021-03-04T05:06:07Z"), signed.info().signatureTime());
        assertEquals(KEY.signingFingerprint(), signed.info().signingKeyFingerprint());
        assertEquals(signed.info().signatureTime(), ListSigner.signatureTime(signed.armoredSignature()));
        assertTrue(new String(signed.armoredSignature(), UTF_8).startsWith("-----BEGIN PGP SIGNATURE-----"));
    }

    @Test
    void anExpiredKeyDoesNotSign() {
        String message = refusal(KEY.armoredSecretKeyring(), SigningKeyGeneratorTest.EXPIRES);
        assertTrue(message.contains("cannot sign at 2022-01-01T00:00:00Z") && message.contains("expired"), message);
        assertTrue(refusal(KEY.armoredSecretKeyring(), Instant.parse("2019-12-31T00:00:00Z")).contains("was created at"));
    }

    @Test
    void reportsWhenTheSigningKeyExpires() throws Exception {
        assertEquals(SigningKeyGeneratorTest.EXPIRES, ListSigner.read(KEY.armoredSecretKeyring(), "k")
                .signingKeyExpiresAt(Instant.parse("2021-01-01T00:00:00Z")));
    }

    @Test
    void aPassphraseProtectedKeyIsRefusedWithTheReason() throws Exception {
        PGPSecretKeyRing ring = new PGPSecretKeyRing(
                PGPUtil.getDecoderStream(new ByteArrayInputStream(KEY.armoredSecretKeyring())),
                new BcKeyFingerprintCalculator());
        PGPSecretKeyRing locked = PGPSecretKeyRing.copyWithNewPassword(ring, null,
                new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256,
                        new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1)).build("secret".toCharArray()));

        String message = refusal(locked.getEncoded(), Instant.parse("2021-01-01T00:00:00Z"));
        assertTrue(message.contains("protected by a passphrase"), message);
    }

    @Test
    void aPublicKeyOrGarbageIsNotAPrivateKey() {
        String publicKey = assertThrows(SignatureVerificationException.class,
                () -> ListSigner.read(KEY.armoredPublicKeyring(), "public.asc")).getMessage();
        assertTrue(publicKey.contains("it is a PUBLIC key"), publicKey);
        assertThrows(SignatureVerificationException.class, () -> ListSigner.read("hello".getBytes(UTF_8), "x"));
        assertThrows(SignatureVerificationException.class, () -> ListSigner.read(new byte[0], "x"));
    }

    @Test
    void aKeyWhosePrimarySignsDirectlyIsUsedAsItIs() throws Exception {
        ListSigner signer = ListSigner.read(TestKeys.primary().armoredSecretKeyring(), "gpg-style key");
        ListSigner.SignedList signed = signer.sign(DATA, Instant.parse("2020-01-01T00:00:00Z"));
        assertEquals(TestKeys.primary().primaryFingerprint(), signed.info().signingKeyFingerprint());
        new SignatureVerifier(TestKeys.primary().keyring()).verify(DATA, signed.armoredSignature());
    }
}
