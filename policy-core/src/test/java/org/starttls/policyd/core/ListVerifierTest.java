package org.starttls.policyd.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.testing.EffFixture;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

class ListVerifierTest {
    private static final Instant T0 = Instant.parse("2020-05-20T00:00:00Z");
    private static final Instant T1 = Instant.parse("2020-06-03T00:00:00Z");

    @Test
    void realEffListVerifiesAndParses() throws Exception {
        VerifiedList list = new ListVerifier(EmbeddedDefault.keyring())
                .verify(EffFixture.listBytes(), EffFixture.signatureBytes(), "fixture");
        assertEquals(EffFixture.ENFORCE, list.list().count(PolicyMode.ENFORCE));
        assertEquals("fixture", list.source());
        assertFalse(list.embeddedDefault());
    }

    @Test
    void signedTestListVerifies() throws Exception {
        TestLists.Signed signed = TestLists.signed(TestKeys.primary(), T0, T0, T1, Map.of("example.com", ".mx.example.com"));
        VerifiedList list = new ListVerifier(TestKeys.primary().keyring()).verify(signed.list(), signed.signature(), "t");
        assertEquals(PolicyMode.ENFORCE, list.list().lookup("example.com").mode());
        assertEquals(T0, list.signature().signatureTime());
    }

    @Test
    void badSignatureIsRefusedBeforeTheContentIsRead() {
        byte[] garbage = "not json at all".getBytes(UTF_8);
        TestLists.Signed signedOther = TestLists.signed(TestKeys.other(), T0, garbage);
        ListRejectedException e = assertThrows(ListRejectedException.class,
                () -> new ListVerifier(TestKeys.primary().keyring()).verify(garbage, signedOther.signature(), "src"));
        assertEquals(Reason.SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("src: signature check failed: made by key"), e.getMessage());
    }

    @Test
    void signedButInvalidContentIsAFormatRefusal() {
        byte[] invalid = "{\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,\"policies\":{\"x\":1}}".getBytes(UTF_8);
        TestLists.Signed signed = TestLists.signed(TestKeys.primary(), T0, invalid);
        ListRejectedException e = assertThrows(ListRejectedException.class,
                () -> new ListVerifier(TestKeys.primary().keyring()).verify(signed.list(), signed.signature(), "src"));
        assertEquals(Reason.FORMAT, e.reason());
        assertTrue(e.getMessage().contains("policies.\"x\": invalid domain"), e.getMessage());
    }

    @Test
    void missingSignatureOrEmptyListIsRefused() {
        ListVerifier verifier = new ListVerifier(TestKeys.primary().keyring());
        assertEquals(Reason.SIGNATURE, assertThrows(ListRejectedException.class,
                () -> verifier.verify(EffFixture.listBytes(), new byte[0], "s")).reason());
        assertEquals(Reason.UNREADABLE, assertThrows(ListRejectedException.class,
                () -> verifier.verify(new byte[0], EffFixture.signatureBytes(), "s")).reason());
    }
}
