package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.testworld.CapturedLog;
import org.starttls.policyd.fetcher.sts.StsOutcome.Freshness;

class StsResolverPersistenceTest {
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    static final long WEEK = Duration.ofDays(7).toSeconds();
    static final Duration WRITE_DELAY = StsSettings.DEFAULTS.writeDelay();

    @TempDir
    Path stateDirectory;

    final MutableClock clock = new MutableClock(START);
    final ManualScheduler writerThread = new ManualScheduler(clock);
    final ScriptedRecords records = new ScriptedRecords();
    final ScriptedPolicies policies = new ScriptedPolicies();

    Path cacheFile() {
        return stateDirectory.resolve(StsResolver.CACHE_FILE_NAME);
    }

    StsResolver resolver(StsRecordSource txt, StsPolicySource https, StsSettings settings) {
        return new StsResolver(txt, https, clock, settings, new RecordingEvents(), Optional.of(cacheFile()),
                () -> 0L, writerThread);
    }

    StsResolver resolver() {
        return resolver(records, policies, StsSettings.DEFAULTS);
    }

    void publish(String domain, String id, String mode, long maxAge, String... mx) {
        records.id(domain, id);
        policies.serve(domain, mode, maxAge, mx);
    }

    static StsOutcome.Known cachedAtOnce(StsResolution resolution) {
        assertTrue(resolution.outcome().isDone());
        StsOutcome.Known known = assertInstanceOf(StsOutcome.Known.class, resolution.outcome().join());
        assertEquals(Freshness.CACHED, known.freshness());
        return known;
    }

    @Test
    void aRestartWithTheFileServesTheCachedPoliciesWithoutAnyNetwork() {
        publish("example.com", "one", "enforce", WEEK, "mx1.example.com", "*.mail.example.com");
        publish("withdrawn.example", "two", "none", WEEK);
        StsResolver before = resolver();
        CachedStsPolicy enforce = ((StsOutcome.Known) before.resolve("example.com").outcome().join()).policy();
        CachedStsPolicy none = ((StsOutcome.Known) before.resolve("withdrawn.example").outcome().join()).policy();
        writerThread.advance(WRITE_DELAY);
        assertTrue(Files.exists(cacheFile()));

        ScriptedRecords offlineTxt = new ScriptedRecords();
        ScriptedPolicies offlineHttps = new ScriptedPolicies();
        clock.advance(Duration.ofSeconds(60));
        StsResolver after = resolver(offlineTxt, offlineHttps, StsSettings.DEFAULTS);
        assertEquals(enforce, cachedAtOnce(after.resolve("example.com")).policy());
        assertEquals(none, cachedAtOnce(after.resolve("withdrawn.example")).policy());
        assertEquals(StsMode.NONE, after.cached("withdrawn.example").orElseThrow().policy().mode());
        assertEquals(0, offlineTxt.totalCalls());
        assertEquals(0, offlineHttps.totalCalls());
    }

    @Test
    void aRestoredPolicyIsRecheckedWhenUsedAndServedStaleDuringAnOutageUntilItsMaxAge() {
        publish("example.com", "one", "enforce", Duration.ofHours(2).toSeconds(), "mx.example.com");
        StsResolver before = resolver();
        before.resolve("example.com");
        before.close();

        ScriptedRecords brokenTxt = new ScriptedRecords();
        brokenTxt.fail("example.com", "SERVFAIL");
        clock.advance(Duration.ofHours(1));
        StsResolver after = resolver(brokenTxt, new ScriptedPolicies(), StsSettings.DEFAULTS);
        cachedAtOnce(after.resolve("example.com"));
        assertEquals(1, brokenTxt.calls("example.com"));
        StsOutcome.Known stale = (StsOutcome.Known) after.resolve("example.com").outcome().join();
        assertEquals(Freshness.STALE, stale.freshness());
        clock.advance(Duration.ofHours(1));
        assertInstanceOf(StsOutcome.Unusable.class, after.resolve("example.com").outcome().join());
    }

    @Test
    void changesAreWrittenOnTheWriterThreadAfterTheDelayTogether() throws IOException {
        publish("a.example", "one", "enforce", WEEK, "mx.a.example");
        publish("b.example", "one", "enforce", WEEK, "mx.b.example");
        StsResolver resolver = resolver();
        resolver.resolve("a.example");
        assertFalse(Files.exists(cacheFile()), "not written on the caller's thread");
        assertEquals(1, writerThread.pending());

        writerThread.advance(WRITE_DELAY.minusSeconds(1));
        resolver.resolve("b.example");
        assertEquals(1, writerThread.pending(), "one write for both changes");
        assertFalse(Files.exists(cacheFile()));
        writerThread.advance(Duration.ofSeconds(1));

        List<CachedStsPolicy> written = StsCacheFile.open(cacheFile(), 1 << 20, 100).read(clock.instant());
        assertEquals(List.of("b.example", "a.example"), written.stream().map(CachedStsPolicy::domain).toList());
        assertEquals(0, writerThread.pending());
        assertFalse(Files.exists(stateDirectory.resolve(StsResolver.CACHE_FILE_NAME + ".tmp")));

        clock.advance(Duration.ofSeconds(300));
        resolver.resolve("a.example");
        assertEquals(0, writerThread.pending(), "a re-check that finds the same id changes nothing to write");
    }

    @Test
    void closeWritesWhatIsPending() {
        publish("example.com", "one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver();
        resolver.resolve("example.com");
        resolver.close();
        assertEquals(1, StsCacheFile.open(cacheFile(), 1 << 20, 100).read(clock.instant()).size());
    }

    @Test
    void entriesPastTheirMaxAgeAreDroppedOnLoad() {
        publish("short.example", "one", "enforce", 3600, "mx.short.example");
        publish("long.example", "one", "enforce", WEEK, "mx.long.example");
        StsResolver before = resolver();
        before.resolve("short.example");
        before.resolve("long.example");
        before.close();

        clock.advance(Duration.ofHours(1));
        StsResolver after = resolver(new ScriptedRecords(), new ScriptedPolicies(), StsSettings.DEFAULTS);
        assertEquals(Optional.empty(), after.cached("short.example"));
        assertTrue(after.cached("long.example").isPresent());
        assertEquals(1, after.size());
    }

    void expectIgnoredWithOneWarning(byte[] content, StsSettings settings) throws IOException {
        Files.write(cacheFile(), content);
        CapturedLog<StsResolver> started = CapturedLog.during(
                () -> resolver(records, policies, settings));
        assertEquals(1, started.warnings().size(), String.join("\n", started.lines));
        assertTrue(started.warnings().get(0).contains(cacheFile().toString()), started.warnings().get(0));
        StsResolver resolver = started.result;
        assertEquals(0, resolver.size());
        publish("example.com", "one", "enforce", WEEK, "mx.example.com");
        assertEquals(Freshness.FETCHED,
                ((StsOutcome.Known) resolver.resolve("example.com").outcome().join()).freshness());
    }

    byte[] validFile(int domains) {
        StsResolver writer = resolver();
        for (int i = 0; i < domains; i++) {
            String domain = "d" + i + ".example";
            publish(domain, "one", "enforce", WEEK, "mx." + domain);
            writer.resolve(domain);
        }
        writer.close();
        try {
            return Files.readAllBytes(cacheFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCorruptFileIsIgnoredWithOneWarning() throws IOException {
        expectIgnoredWithOneWarning("\u0000\u0001not json at all {{{".getBytes(StandardCharsets.ISO_8859_1),
                StsSettings.DEFAULTS);
    }

    @Test
    void aTruncatedFileIsIgnoredWithOneWarning() throws IOException {
        byte[] whole = validFile(5);
        expectIgnoredWithOneWarning(Arrays.copyOf(whole, whole.length / 2), StsSettings.DEFAULTS);
    }

    @Test
    void aFileOfAnotherFormatIsIgnoredWithOneWarning() throws IOException {
        expectIgnoredWithOneWarning("{\"policies\":[]}".getBytes(StandardCharsets.UTF_8), StsSettings.DEFAULTS);
        expectIgnoredWithOneWarning(("{\"format\":\"" + StsCacheFile.FORMAT + "\",\"version\":2,\"policies\":[]}")
                .getBytes(StandardCharsets.UTF_8), StsSettings.DEFAULTS);
    }

    @Test
    void aFileLargerThanTheLimitIsIgnoredWithOneWarningWithoutReadingItAll() throws IOException {
        byte[] valid = validFile(1);
        StsSettings small = StsSettings.DEFAULTS.withMaxFileBytes(4096);
        byte[] huge = Arrays.copyOf(valid, 1024 * 1024);
        Arrays.fill(huge, valid.length, huge.length, (byte) ' ');
        expectIgnoredWithOneWarning(huge, small);
    }

    @Test
    void aFileThatCannotBeReadIsIgnoredWithOneWarning() throws IOException {
        Files.createDirectory(cacheFile());
        CapturedLog<StsResolver> started = CapturedLog.during(() -> resolver());
        assertEquals(1, started.warnings().size());
        assertEquals(0, started.result.size());
    }

    @Test
    void invalidEntriesAreSkippedAndTheRestIsLoaded() throws IOException {
        String good = entry("good.example", "one", ScriptedPolicies.policyText("enforce", WEEK, "mx.good.example"));
        String noMx = entry("nomx.example", "one", "version: STSv1\nmode: enforce\nmax_age: 86400\n");
        String upper = entry("Upper.Example", "one", ScriptedPolicies.policyText("enforce", WEEK, "mx.upper.example"));
        String badId = entry("badid.example", "not-an-id", ScriptedPolicies.policyText("enforce", WEEK, "mx.x.example"));
        Files.writeString(cacheFile(), "{\"format\":\"" + StsCacheFile.FORMAT + "\",\"version\":1,\"policies\":["
                + String.join(",", good, noMx, upper, badId, "{\"domain\":\"x.example\"}") + "]}");

        CapturedLog<StsResolver> started = CapturedLog.during(() -> resolver());
        assertEquals(1, started.warnings().size(), String.join("\n", started.lines));
        assertTrue(started.warnings().get(0).contains("skipped 4 invalid entries"), started.warnings().get(0));
        assertEquals(1, started.result.size());
        cachedAtOnce(started.result.resolve("good.example"));
    }

    static String entry(String domain, String id, String policy) {
        return "{\"domain\":\"" + domain + "\",\"id\":\"" + id + "\",\"fetched\":\"" + START + "\",\"checked\":\""
                + START + "\",\"policy\":\"" + policy.replace("\r", "\\r").replace("\n", "\\n") + "\"}";
    }

    @Test
    void theWrittenFileStaysWithinTheSizeLimitKeepingTheNewestPolicies() throws IOException {
        StsSettings small = StsSettings.DEFAULTS.withMaxFileBytes(2048);
        StsResolver resolver = resolver(records, policies, small);
        for (int i = 0; i < 50; i++) {
            String domain = "d" + i + ".example";
            publish(domain, "one", "enforce", WEEK, "mx." + domain);
            resolver.resolve(domain);
            clock.advance(Duration.ofSeconds(1));
        }
        resolver.close();
        assertTrue(Files.size(cacheFile()) <= 2048, "size " + Files.size(cacheFile()));
        List<CachedStsPolicy> kept = StsCacheFile.open(cacheFile(), 2048, 100).read(clock.instant());
        assertTrue(kept.size() > 3, "kept " + kept.size());
        assertEquals("d49.example", kept.get(0).domain());
    }

    @Test
    void aFileThatCannotBeWrittenWarnsOnceAndThePoliciesStayCachedInMemory() {
        Path missing = stateDirectory.resolve("missing").resolve(StsResolver.CACHE_FILE_NAME);
        StsResolver resolver = new StsResolver(records, policies, clock, StsSettings.DEFAULTS, new RecordingEvents(),
                Optional.of(missing), () -> 0L, writerThread);
        publish("a.example", "one", "enforce", WEEK, "mx.a.example");
        publish("b.example", "one", "enforce", WEEK, "mx.b.example");
        CapturedLog<Integer> writes = CapturedLog.during(() -> {
            resolver.resolve("a.example");
            writerThread.advance(WRITE_DELAY);
            resolver.resolve("b.example");
            writerThread.advance(WRITE_DELAY);
            return 2;
        });
        assertEquals(1, writes.warnings().size(), String.join("\n", writes.lines));
        cachedAtOnce(resolver.resolve("a.example"));
        cachedAtOnce(resolver.resolve("b.example"));
    }

    @Test
    void aTemporaryFileLeftByACrashIsNeitherReadNorInTheWay() throws IOException {
        byte[] valid = validFile(2);
        Path temp = stateDirectory.resolve(StsResolver.CACHE_FILE_NAME + ".tmp");
        Files.writeString(temp, "half a write");
        StsResolver resolver = resolver();
        assertEquals(2, resolver.size());
        publish("new.example", "one", "enforce", WEEK, "mx.new.example");
        resolver.resolve("new.example");
        resolver.close();
        assertFalse(Files.exists(temp));
        assertTrue(Files.size(cacheFile()) > valid.length);
        assertEquals(3, StsCacheFile.open(cacheFile(), 1 << 20, 100).read(clock.instant()).size());
    }

    @Test
    void theDaemonsConstructorWritesOnItsOwnThreadAndCloseWaitsForIt() {
        publish("example.com", "one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = new StsResolver(records, policies, clock,
                StsSettings.DEFAULTS.withWriteDelay(Duration.ofDays(1)), new RecordingEvents(),
                Optional.of(cacheFile()));
        resolver.resolve("example.com");
        assertFalse(Files.exists(cacheFile()), "the write waits for its delay");
        resolver.close();
        assertEquals(1, StsCacheFile.open(cacheFile(), 1 << 20, 100).read(clock.instant()).size());
    }
}
