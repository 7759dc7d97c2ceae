package org.starttls.policyd.core.signature;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.TestKeys;

/** Keyrings as operators make them: one export, or several public.asc files put together with cat. */
class PinnedKeyringTest {
    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void concatenatedArmoredKeyringsPinEveryKeyNotJustTheFirst() throws Exception {
        byte[] both = concat(TestKeys.primary().armoredKeyring(), "\n".getBytes(US_ASCII),
                TestKeys.other().armoredKeyring());

        PinnedKeyring pinned = PinnedKeyring.read(both, "both.asc");

        assertEquals(java.util.Set.of(TestKeys.primary().primaryFingerprint(), TestKeys.other().primaryFingerprint()),
                java.util.Set.copyOf(pinned.primaryFingerprints()));
        assertEquals(2, pinned.primaryFingerprints().size());
        byte[] data = "list".getBytes(US_ASCII);
        new SignatureVerifier(pinned).verify(data, TestKeys.other().sign(data));
        new SignatureVerifier(pinned).verify(data, TestKeys.primary().sign(data));
        assertTrue(pinned.sameKeysAs(PinnedKeyring.read(pinned.encoded(), "record")), "the record keeps both");
    }

    @Test
    void aSingleArmoredOrBinaryKeyringReadsAsBefore() throws Exception {
        assertEquals(List.of(TestKeys.primary().primaryFingerprint()),
                PinnedKeyring.read(TestKeys.primary().armoredKeyring(), "one").primaryFingerprints());
        assertEquals(List.of(TestKeys.primary().primaryFingerprint()),
                PinnedKeyring.read(TestKeys.primary().binaryKeyring(), "binary").primaryFingerprints());
    }

    @Test
    void aSecretKeyAfterThePublicOneIsStillRefused() {
        byte[] secret = concat(TestKeys.primary().armoredKeyring(), TestKeys.primary().armoredSecretKeyring());
        String message = assertThrows(SignatureVerificationException.class,
                () -> PinnedKeyring.read(secret, "mixed.asc")).getMessage();
        assertTrue(message.contains("mixed.asc") && message.contains("SECRET"), message);
    }

    @Test
    void theSameKeyTwiceIsReadOnce() throws Exception {
        byte[] twice = concat(TestKeys.primary().armoredKeyring(), TestKeys.primary().armoredKeyring());
        assertEquals(List.of(TestKeys.primary().primaryFingerprint()),
                PinnedKeyring.read(twice, "twice.asc").primaryFingerprints());
    }
}
