package org.starttls.policyd.fetcher.dane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.testworld.CapturedLog;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;

/**
 * The DANE cache file: a restart keeps each answer until its TTL, with the resolver down too; a
 * corrupt file or a bad entry costs one warning and starts (that part of) the cache empty.
 */
class DaneResolverPersistenceTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path stateDirectory;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final ManualScheduler writerThread = new ManualScheduler(clock);
    /** A loopback port where nothing ever answers: the resolver is down. */
    private DatagramSocket silent;

    @BeforeEach
    void openSilentPort() throws IOException {
        silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void closeSilentPort() {
        silent.close();
    }

    private Path cacheFile() {
        return stateDirectory.resolve(DaneResolver.CACHE_FILE_NAME);
    }

    private InetSocketAddress resolverDown() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
    }

    private DaneResolver resolver(InetSocketAddress at) {
        DnsClient lookups = new DnsClient(new DnsSettings(at, TIMEOUT));
        return new DaneResolver(new DaneEvidenceCollector(lookups), new ValidationCheck(lookups), clock,
                DaneEvents.NONE, Optional.of(cacheFile()), writerThread);
    }

    private static DnssecWorld world() {
        return DnssecWorld.builder()
                .zone(TestZone.signed("all.test").mx(10, "mx.all.test").a("mx.all.test", "127.0.0.1")
                        .smtpTlsa("mx.all.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("notlsa.test").mx(10, "mx.notlsa.test").a("mx.notlsa.test", "127.0.0.1"))
                .start();
    }

    /** Looks both domains up in a live world and writes the cache file as a stopping daemon does. */
    /** The later expiry of the two answers {@link #cacheBothThenStop} cached. */
    private java.time.Instant latestExpiry;

    private DaneResolver.DaneAnswer cacheBothThenStop() {
        try (DnssecWorld world = world()) {
            DaneResolver before = resolver(world.validatingResolver());
            assertTrue(before.recheck().join().validates());
            DaneResolver.DaneAnswer answer = before.resolve("all.test").join();
            assertEquals(Kind.DANE_ONLY, answer.verdict().kind());
            DaneResolver.DaneAnswer noTlsa = before.resolve("notlsa.test").join();
            assertEquals(Kind.NO_DANE, noTlsa.verdict().kind());
            // unbound counts TTLs down in real seconds: the two answers may expire a second apart.
            latestExpiry = noTlsa.expires().isAfter(answer.expires()) ? noTlsa.expires() : answer.expires();
            assertFalse(Files.exists(cacheFile()), "written on the writer's thread, after its delay");
            writerThread.advance(DaneResolver.WRITE_DELAY);
            assertTrue(Files.exists(cacheFile()));
            before.close();
            return answer;
        }
    }

    @Test
    void aRestartWithTheResolverDownAnswersFromTheRestoredEntryUntilItsTtl() {
        DaneResolver.DaneAnswer original = cacheBothThenStop();
        clock.advance(Duration.ofSeconds(30));

        DaneResolver after = resolver(resolverDown());
        ValidationStatus check = after.recheck().join();
        assertFalse(check.validates());
        assertTrue(check.unanswered(), check.detail());
        assertEquals(2, after.size());

        var restored = after.resolve("all.test");
        assertTrue(restored.isDone(), "a restored answer is answered at once");
        assertEquals(Kind.DANE_ONLY, restored.join().verdict().kind());
        assertEquals(original.evidence(), restored.join().evidence());
        assertEquals(original.expires(), restored.join().expires());
        assertTrue(restored.join().how().contains("before a restart"), restored.join().how());
        assertEquals(Kind.NO_DANE, after.resolve("notlsa.test").join().verdict().kind());
        assertEquals(Kind.TEMP, after.resolve("uncached.test").join().verdict().kind(),
                "a domain not cached while the resolver is silent may be a DANE domain: TEMP, never no DANE");

        clock.advance(DaneResolver.MAX_TTL);
        assertEquals(Kind.TEMP, after.resolve("all.test").join().verdict().kind(),
                "past its TTL the restored answer is gone: TEMP with the resolver down");
    }

    @Test
    void anEntryPastItsTtlIsNotReadBack() {
        cacheBothThenStop();
        clock.set(latestExpiry);
        DaneResolver after = resolver(resolverDown());
        assertEquals(0, after.size());
        assertEquals(Kind.TEMP, after.resolve("all.test").join().verdict().kind());
    }

    @Test
    void theResolverBackAfterARestartIsCheckedAgainBeforeLookingUp() {
        try (DnssecWorld world = world()) {
            // No check has run yet (as after a start whose check found the resolver down).
            DaneResolver resolver = resolver(world.validatingResolver());
            assertEquals(Kind.DANE_ONLY, resolver.resolve("all.test").join().verdict().kind(),
                    "an unchecked resolver that answers is checked, then asked");
            assertTrue(resolver.validation().validates());
        }
    }

    @Test
    void aCorruptFileIsIgnoredWithOneWarningNeverACrash() throws IOException {
        Files.write(cacheFile(), "{\"format\":\"starttls-policyd dane cache\",\"version\":1,\"domains\":[{\"dom"
                .getBytes(StandardCharsets.UTF_8));
        CapturedLog<DaneResolver> started = CapturedLog.during(() -> resolver(resolverDown()));
        assertEquals(1, started.warnings().size(), String.join("\n", started.lines));
        assertTrue(started.warnings().get(0).contains(cacheFile().toString()), started.warnings().get(0));
        assertEquals(0, started.result.size());
        assertEquals(Kind.TEMP, started.result.resolve("all.test").join().verdict().kind());
    }

    @Test
    void aFileOfAnotherKindIsIgnoredWithOneWarning() throws IOException {
        cacheBothThenStop();
        String mtaSts = Files.readString(cacheFile()).replace(DaneCacheFile.FORMAT, "starttls-policyd mta-sts cache");
        Files.writeString(cacheFile(), mtaSts);
        CapturedLog<DaneResolver> started = CapturedLog.during(() -> resolver(resolverDown()));
        assertEquals(1, started.warnings().size(), String.join("\n", started.lines));
        assertEquals(0, started.result.size());
    }

    @Test
    void invalidEntriesAreSkippedWithOneWarningAndTheRestIsRead() throws IOException {
        cacheBothThenStop();
        String file = Files.readString(cacheFile());
        String looked = "\"looked_up\":\"" + clock.instant() + "\",\"expires\":\"" + clock.instant().plusSeconds(600)
                + "\"";
        String bogus = "{\"domain\":\"bogus.test\"," + looked + ",\"resolver_validates\":true,"
                + "\"mx_security\":\"bogus\",\"null_mx\":false,\"hosts\":[]}";
        String badTlsa = "{\"domain\":\"bad.test\"," + looked + ",\"resolver_validates\":true,"
                + "\"mx_security\":\"secure\",\"null_mx\":false,\"hosts\":[{\"host\":\"mx.bad.test\","
                + "\"address_security\":\"secure\",\"tlsa_security\":\"secure\",\"tlsa\":[\"3 1 1 zz\"]}]}";
        String upper = "{\"domain\":\"Upper.Test\"," + looked + ",\"resolver_validates\":true,"
                + "\"mx_security\":\"secure\",\"null_mx\":true,\"hosts\":[]}";
        String tooLong = "{\"domain\":\"long.test\",\"looked_up\":\"" + clock.instant() + "\",\"expires\":\""
                + clock.instant().plus(Duration.ofDays(30)) + "\",\"resolver_validates\":true,"
                + "\"mx_security\":\"secure\",\"null_mx\":true,\"hosts\":[]}";
        Files.writeString(cacheFile(), file.replace("\"domains\":[", "\"domains\":[" + String.join(",", bogus,
                badTlsa, upper, tooLong, "{\"domain\":\"x.test\"}") + ","));

        CapturedLog<DaneResolver> started = CapturedLog.during(() -> resolver(resolverDown()));
        assertEquals(1, started.warnings().size(), String.join("\n", started.lines));
        assertTrue(started.warnings().get(0).contains("skipped 4 invalid entries"), started.warnings().get(0));
        assertEquals(2, started.result.size(), "the two good entries; one lasting longer than a day is not used");
    }
}
