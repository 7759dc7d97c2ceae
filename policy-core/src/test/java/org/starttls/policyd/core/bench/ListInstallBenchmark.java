package org.starttls.policyd.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.testing.TestKey;
import org.starttls.policyd.core.testing.TestKeys;

/**
 * Installing a 1,000,000-domain list: signature check over the bytes, streaming parse, index.
 * Goal: under 3 s and under 400 MB of heap.
 *
 * <p>The fork runs with {@code -Xmx400m}, and the previously installed list stays reachable while
 * the next one is built, as in the daemon during a list update; so a run that completes shows that
 * an update fits in 400 MB together with the list's bytes (about 150 MB here). At the end the
 * retained heap of one installed list is printed (heap after full GC with and without it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(value = 1, jvmArgsAppend = {"-Xmx400m"})
public class ListInstallBenchmark {
    /** After the test keys' creation, so the signature is valid. */
    private static final Instant SIGNED_AT = Instant.parse("2020-05-20T17:30:00Z");

    private byte[] listBytes;
    private byte[] signatureBytes;
    private PinnedKeyring keyring;
    /** The list "in service" while the next one is verified. */
    private VerifiedList installed;

    @Setup(Level.Trial)
    public void loadAndSign() throws IOException {
        SyntheticList synthetic = SyntheticList.million();
        Path file = synthetic.file();
        listBytes = Files.readAllBytes(file);
        TestKey key = TestKeys.primary();
        signatureBytes = key.sign(listBytes, SIGNED_AT);
        keyring = key.keyring();
        System.out.printf("%nlist: %s, %,d domains, %s; max heap %s%n", file, synthetic.domains(),
                HeapUsage.megabytes(listBytes.length), HeapUsage.megabytes(HeapUsage.maxHeap()));
    }

    @Benchmark
    public VerifiedList verifyParseIndex() throws ListRejectedException {
        VerifiedList next = new ListVerifier(keyring).verify(listBytes, signatureBytes, "bench");
        installed = next;
        return next;
    }

    @TearDown(Level.Trial)
    public void reportRetainedHeap() {
        if (installed == null) {
            return;
        }
        int size = installed.list().size();
        long withList = HeapUsage.usedAfterGc();
        installed = null;
        long withoutList = HeapUsage.usedAfterGc();
        long retained = withList - withoutList;
        System.out.printf("%nretained heap of one installed list (%,d domains): %s (%d bytes per domain);"
                + " heap after GC with it: %s, of which list bytes %s%n", size, HeapUsage.megabytes(retained),
                retained / size, HeapUsage.megabytes(withList), HeapUsage.megabytes(listBytes.length));
    }
}
