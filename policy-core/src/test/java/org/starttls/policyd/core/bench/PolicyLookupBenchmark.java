package org.starttls.policyd.core.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.list.ListFormatException;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.testing.EffFixture;

/**
 * One {@link PolicyEngine#decide(String)} for a listed and for an unlisted domain, on the real EFF
 * list and on the synthetic 1,000,000-domain list, the clock inside both lists' window.
 * Goal: well under a microsecond.
 *
 * <p>Each call takes the next of 4096 names and builds it from bytes, as a front door does after
 * decoding a request, so the string's hash is computed per call as in the daemon (a reused String
 * caches it). {@link #inputOnly} measures that copy alone, to subtract. Cycling through 4096
 * names of a million-entry table also pays the cache misses a real mix of domains would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class PolicyLookupBenchmark {
    private static final int NAMES = 4096;
    private static final int MASK = NAMES - 1;

    @Param({"eff", "million"})
    public String list;

    private PolicyEngine engine;
    private byte[][] listed;
    private byte[][] unlisted;
    private int cursor;

    @Setup(Level.Trial)
    public void install() throws ListFormatException, IOException {
        SplittableRandom random = new SplittableRandom(42);
        SyntheticList synthetic = SyntheticList.million();
        byte[] bytes = "eff".equals(list) ? EffFixture.listBytes() : Files.readAllBytes(synthetic.file());
        PreloadList parsed = PreloadListParser.parse(bytes);
        SignatureInfo signature = new SignatureInfo("BENCH", "BENCH", "benchmark", SyntheticList.TIMESTAMP);
        engine = new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS,
                new VerifiedList(parsed, signature, list, false));
        List<String> domains = new ArrayList<>(parsed.policies().keySet());
        listed = new byte[NAMES][];
        unlisted = new byte[NAMES][];
        for (int i = 0; i < NAMES; i++) {
            listed[i] = domains.get(random.nextInt(domains.size())).getBytes(US_ASCII);
            unlisted[i] = synthetic.unlistedDomain(random.nextInt(1 << 30)).getBytes(US_ASCII);
        }
        checkSample();
    }

    /** A benchmark of the wrong thing is worse than none: the samples must be what they claim. */
    private void checkSample() {
        for (int i = 0; i < NAMES; i++) {
            if (engine.decide(new String(listed[i], US_ASCII)).policy() == null) {
                throw new IllegalStateException("sample name is not listed: " + new String(listed[i], US_ASCII));
            }
            if (engine.decide(new String(unlisted[i], US_ASCII)).policy() != null) {
                throw new IllegalStateException("sample name is listed: " + new String(unlisted[i], US_ASCII));
            }
        }
        System.out.printf("%n%s: %,d domains, decisions for a listed sample e.g. %s%n", list,
                engine.activeList().list().size(), engine.decide(new String(listed[0], US_ASCII)));
    }

    private byte[] next(byte[][] names) {
        return names[cursor++ & MASK];
    }

    @Benchmark
    public Decision listed() {
        return engine.decide(new String(next(listed), US_ASCII));
    }

    @Benchmark
    public Decision unlisted() {
        return engine.decide(new String(next(unlisted), US_ASCII));
    }

    @Benchmark
    public String inputOnly() {
        return new String(next(listed), US_ASCII);
    }
}
