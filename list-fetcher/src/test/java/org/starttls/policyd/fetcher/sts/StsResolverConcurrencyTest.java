package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.sts.StsOutcome.Freshness;

/** Real threads started together by a latch; the sources hold their answers until all have asked. */
class StsResolverConcurrencyTest {
    static final int THREADS = 16;
    static final String DOMAIN = "example.com";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    final ScriptedRecords records = new ScriptedRecords();
    final ScriptedPolicies policies = new ScriptedPolicies();
    final RecordingEvents events = new RecordingEvents();
    final StsResolver resolver = new StsResolver(records, policies, clock, StsSettings.DEFAULTS, events,
            Optional.empty(), () -> 0L, null);
    final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stopThreads() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Every thread calls resolve once, all released together; returns once all have returned. */
    List<StsResolution> resolveTogether(String domain) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(THREADS);
        List<StsResolution> resolutions = new CopyOnWriteArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            pool.execute(() -> {
                try {
                    start.await();
                    resolutions.add(resolver.resolve(domain));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS), "every resolve returned without waiting for the network");
        return resolutions;
    }

    @Test
    void concurrentFirstQueriesShareOneTxtLookupAndOneFetch() throws Exception {
        records.id(DOMAIN, "one");
        policies.serve(DOMAIN, "enforce", 86400, "mx.example.com");
        records.hold();
        policies.hold();

        List<StsResolution> resolutions = resolveTogether(DOMAIN);
        assertEquals(THREADS, resolutions.size());
        for (StsResolution resolution : resolutions) {
            assertFalse(resolution.outcome().isDone());
        }
        records.release();
        policies.release();

        List<CachedStsPolicy> seen = new ArrayList<>();
        for (StsResolution resolution : resolutions) {
            StsOutcome.Known known = assertInstanceOf(StsOutcome.Known.class,
                    resolution.outcome().get(10, TimeUnit.SECONDS));
            assertEquals(Freshness.FETCHED, known.freshness());
            seen.add(known.policy());
        }
        assertEquals(1, seen.stream().distinct().count());
        assertEquals(1, records.calls(DOMAIN));
        assertEquals(1, policies.calls(DOMAIN));
        assertEquals(THREADS, events.misses.get());
    }

    @Test
    void concurrentUsesOfAPolicyDueForRecheckStartOneRecheck() throws Exception {
        records.id(DOMAIN, "one");
        policies.serve(DOMAIN, "enforce", 86400, "mx.example.com");
        resolver.resolve(DOMAIN).outcome().join();
        clock.advance(Duration.ofSeconds(300));
        records.hold();

        List<StsResolution> resolutions = resolveTogether(DOMAIN);
        for (StsResolution resolution : resolutions) {
            assertTrue(resolution.outcome().isDone(), "a cached policy is answered at once");
            assertEquals(Freshness.CACHED, ((StsOutcome.Known) resolution.outcome().join()).freshness());
        }
        records.release();
        assertEquals(2, records.calls(DOMAIN));
        assertEquals(1, policies.calls(DOMAIN));
        assertEquals(clock.instant(), resolver.cached(DOMAIN).orElseThrow().checkedAt());
    }

    @Test
    void concurrentFailuresAreSharedAndThenRateLimited() throws Exception {
        records.fail(DOMAIN, "SERVFAIL");
        records.hold();
        List<StsResolution> resolutions = resolveTogether(DOMAIN);
        records.release();
        for (StsResolution resolution : resolutions) {
            assertInstanceOf(StsOutcome.Unusable.class, resolution.outcome().get(10, TimeUnit.SECONDS));
        }
        List<StsResolution> later = resolveTogether(DOMAIN);
        for (StsResolution resolution : later) {
            assertTrue(resolution.outcome().isDone());
        }
        assertEquals(1, records.calls(DOMAIN));
    }
}
