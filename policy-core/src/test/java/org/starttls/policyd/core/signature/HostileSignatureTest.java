package org.starttls.policyd.core.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.HostileSignatures;
import org.starttls.policyd.core.testing.TestKey;
import org.starttls.policyd.core.testing.TestKeys;

/**
 * Signature files a list server can serve without holding any key: each is refused by a named
 * limit while it is read, on a small stack and within a small allocation budget.
 */
class HostileSignatureTest {
    private static final byte[] DATA = "{\"version\":\"0.1\"}\n".getBytes(UTF_8);
    private static final Instant SIGNED = Instant.parse("2020-05-20T12:00:00Z");
    /** Far below what the hostile files expand to (tens of megabytes, or a stack overflow). */
    private static final long ALLOCATION_BUDGET_BYTES = 16L * 1024 * 1024;

    private static byte[] binarySignature(TestKey key) {
        return key.sign(DATA, SIGNED, HashAlgorithmTags.SHA256, false);
    }

    /** Verifies on a thread with a 256 KB stack, returning the failure's message. */
    private static String refusal(byte[] signature) throws Exception {
        Throwable failure = onSmallStack(() -> new SignatureVerifier(TestKeys.primary().keyring()).verify(DATA, signature));
        assertTrue(failure instanceof SignatureVerificationException, () -> "expected a refusal, got " + failure);
        return failure.getMessage();
    }

    private interface Check {
        Object run() throws Exception;
    }

    /** Runs {@code check} on its own small-stack thread and returns what it threw (null if nothing). */
    private static Throwable onSmallStack(Check check) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            Throwable thrown = null;
            try {
                check.run();
            } catch (Throwable t) {
                thrown = t;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated > ALLOCATION_BUDGET_BYTES) {
                thrown = new AssertionError("reading the file allocated " + allocated + " bytes", thrown);
            }
            outcome.complete(thrown);
        }, "hostile-signature", 256 * 1024);
        thread.start();
        try {
            return outcome.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    @Test
    void fiveThousandNestedCompressedPacketsAreRefusedWithoutDeepRecursion() throws Exception {
        byte[] nested = HostileSignatures.nested(binarySignature(TestKeys.primary()), 5_000);
        assertTrue(nested.length < SignatureVerifier.MAX_SIGNATURE_BYTES, "the file is small: " + nested.length);
        String message = refusal(nested);
        assertTrue(message.contains("nested more than " + SignaturePackets.MAX_COMPRESSION_DEPTH + " deep"), message);
    }

    @Test
    void compressionBombOfThreeMillionSignaturePacketsIsRefusedWhileInflating() throws Exception {
        byte[] bomb = HostileSignatures.bomb(3_000_000);
        assertTrue(bomb.length < 20 * 1024, "a small file: " + bomb.length);
        String message = refusal(bomb);
        assertTrue(message.contains("more than " + SignaturePackets.MAX_PACKETS + " packets"), message);
    }

    @Test
    void onePacketInflatingToAMegabyteIsRefusedByTheExpansionLimit() throws Exception {
        byte[] bomb = HostileSignatures.nested(HostileSignatures.paddingPacket(1024 * 1024), 2);
        assertTrue(bomb.length < 4 * 1024, "a small file: " + bomb.length);
        String message = refusal(bomb);
        assertTrue(message.contains("expand to more than " + SignaturePackets.MAX_EXPANDED_BYTES + " bytes"), message);
    }

    @Test
    void manySignaturePacketsUncompressedAreRefusedByTheirCount() throws Exception {
        byte[] many = HostileSignatures.repeated(binarySignature(TestKeys.other()), SignaturePackets.MAX_PACKETS + 1);
        String message = refusal(many);
        assertTrue(message.contains("more than " + SignaturePackets.MAX_PACKETS + " packets"), message);
    }

    @Test
    void signaturesUpToTheLimitsStillVerify() throws Exception {
        TestKey key = TestKeys.primary();
        byte[] others = HostileSignatures.repeated(binarySignature(TestKeys.other()), SignaturePackets.MAX_PACKETS - 2);
        byte[] manyThenGood = HostileSignatures.repeated(concat(others, binarySignature(key)), 1);
        byte[] nestedGood = HostileSignatures.nested(manyThenGood, SignaturePackets.MAX_COMPRESSION_DEPTH - 1);
        for (byte[] file : new byte[][] {manyThenGood, nestedGood}) {
            assertEquals(null, onSmallStack(() -> new SignatureVerifier(key.keyring()).verify(DATA, file)));
            assertEquals(key.primaryFingerprint(),
                    new SignatureVerifier(key.keyring()).verify(DATA, file).signingKeyFingerprint());
        }
    }

    @Test
    void nestingOneLevelBeyondTheLimitIsRefused() throws Exception {
        byte[] tooDeep = HostileSignatures.nested(binarySignature(TestKeys.primary()),
                SignaturePackets.MAX_COMPRESSION_DEPTH + 1);
        String message = refusal(tooDeep);
        assertTrue(message.contains("nested more than"), message);
    }

    @Test
    void exactlyTheDepthLimitVerifies() throws Exception {
        TestKey key = TestKeys.primary();
        byte[] atLimit = HostileSignatures.nested(binarySignature(key), SignaturePackets.MAX_COMPRESSION_DEPTH);
        assertEquals(key.primaryFingerprint(),
                new SignatureVerifier(key.keyring()).verify(DATA, atLimit).signingKeyFingerprint());
    }

    @Test
    void theBombsMessageReachesTheOperatorThroughTheVerifier() {
        SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
                () -> new SignatureVerifier(TestKeys.primary().keyring()).verify(DATA, HostileSignatures.bomb(100_000)));
        assertTrue(e.getMessage().startsWith("refused while reading: "), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
