package org.starttls.policyd.fetcher;

import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.testing.TestLists;

class RefreshSchedulerTest {
    private static final RefreshSettings SETTINGS = new RefreshSettings(Duration.ofHours(6), 0.1,
            Duration.ofMinutes(1), Duration.ofHours(1), Duration.ZERO);
    /** Draws the smallest value, so delays are exactly the base interval or back-off. */
    private static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)));
    private final ListVerifier verifier = new ListVerifier(ListUpdaterTest.KEY.keyring());
    private final ListHealth health = new ListHealth(clock, HealthThresholds.DEFAULTS);
    private TestHttpServer server;
    private PolicyEngine engine;
    private RefreshScheduler scheduler;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestHttpServer();
        TestLists.Signed day1 = ListUpdaterTest.day1();
        StateDirectory state = new StateDirectory(root);
        state.install(day1.list(), day1.signature());
        InstalledList startup = InstalledList.read(state, verifier);
        assertNotNull(startup.list(), "the installed pair verifies");
        engine = new PolicyEngine(clock, EngineSettings.DEFAULTS, startup.list());
        health.activated(startup.list(), null);
    }

    private RefreshScheduler scheduler(java.net.URI list, Duration readTimeout) {
        HttpListDownloader downloader = new HttpListDownloader(FetchSettings.DEFAULTS
                .withTimeouts(Duration.ofSeconds(2), readTimeout, Duration.ofSeconds(30)));
        ListUpdater updater = new ListUpdater(ListSource.url(list, server.uri("/policy.json.asc")), downloader,
                verifier, new StateDirectory(root), clock);
        scheduler = new RefreshScheduler(updater, engine, health, SETTINGS, NO_JITTER);
        return scheduler;
    }

    @AfterEach
    void tearDown() {
        if (scheduler != null) {
            scheduler.close();
        }
        server.close();
    }

    private void serve(TestLists.Signed pair) {
        server.serve("/policy.json", TestHttpServer.Response.ok(pair.list()))
                .serve("/policy.json.asc", TestHttpServer.Response.ok(pair.signature()));
    }

    @Test
    void refreshNowSwapsTheNewListIntoTheEngine() throws Exception {
        serve(ListUpdaterTest.day2());
        VerifiedList before = engine.activeList();

        UpdateResult result = scheduler(server.uri("/policy.json"), Duration.ofSeconds(5)).refreshNow()
                .get(30, TimeUnit.SECONDS);

        assertInstanceOf(UpdateResult.Installed.class, result);
        assertEquals(ListUpdaterTest.DAY2, engine.activeList().list().timestamp());
        assertEquals(ListUpdaterTest.DAY1, before.list().timestamp());
        assertEquals(Verdict.REQUIRE_TLS, engine.decide("c.example").verdict());
        assertEquals(Duration.ofHours(6), scheduler.nextDelay());
        assertEquals(ListUpdaterTest.DAY2, health.status().listTimestamp());
        assertEquals(result.describe(), health.status().lastResult());
    }

    @Test
    void failuresBackOffAndASuccessRestoresTheInterval() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.status(500));
        RefreshScheduler refresh = scheduler(server.uri("/policy.json"), Duration.ofSeconds(5));

        assertFalse(refresh.refreshNow().get(30, TimeUnit.SECONDS).succeeded());
        assertEquals(Duration.ofMinutes(1), refresh.nextDelay());
        refresh.refreshNow().get(30, TimeUnit.SECONDS);
        assertEquals(Duration.ofMinutes(2), refresh.nextDelay());
        refresh.refreshNow().get(30, TimeUnit.SECONDS);
        assertEquals(Duration.ofMinutes(4), refresh.nextDelay());
        assertEquals(3, health.status().consecutiveFailures());
        assertFalse(health.status().healthy());

        serve(ListUpdaterTest.day2());
        assertTrue(refresh.refreshNow().get(30, TimeUnit.SECONDS).succeeded());

        assertEquals(Duration.ofHours(6), refresh.nextDelay());
        assertTrue(health.status().healthy(), health.status().warnings().toString());
    }

    @Test
    void aListInstalledByAnotherProcessReachesTheEngineOnTheNextCheck() throws Exception {
        TestLists.Signed day2 = ListUpdaterTest.day2();
        server.serve("/policy.json", TestHttpServer.Response.ok(day2.list(), "\"day2\""))
                .serve("/policy.json.asc", TestHttpServer.Response.ok(day2.signature()));
        RefreshScheduler refresh = scheduler(server.uri("/policy.json"), Duration.ofSeconds(5));
        // policyctl update, run beside the daemon, installs day 2 and records its ETag.
        UpdateResult byCli = new ListUpdater(ListSource.url(server.uri("/policy.json")),
                new HttpListDownloader(FetchSettings.DEFAULTS), verifier, new StateDirectory(root), clock).update();
        assertInstanceOf(UpdateResult.Installed.class, byCli);

        UpdateResult result = refresh.refreshNow().get(30, TimeUnit.SECONDS);

        assertInstanceOf(UpdateResult.Unchanged.class, result);
        assertEquals(ListUpdaterTest.DAY2, engine.activeList().list().timestamp());
    }

    @Test
    void startRunsTheFirstRefreshOnItsOwn() throws Exception {
        serve(ListUpdaterTest.day2());
        RefreshScheduler refresh = scheduler(server.uri("/policy.json"), Duration.ofSeconds(5));
        CompletableFuture<UpdateResult> first = new CompletableFuture<>();
        refresh.addListener(first::complete);

        refresh.start();

        assertInstanceOf(UpdateResult.Installed.class, first.get(30, TimeUnit.SECONDS));
        assertEquals(ListUpdaterTest.DAY2, engine.activeList().list().timestamp());
    }

    @Test
    void lookupsAreNotBlockedByARefreshStuckOnTheNetwork() throws Exception {
        CountDownLatch serverReached = new CountDownLatch(1);
        RawHttpServer stalling = new RawHttpServer(out -> {
            serverReached.countDown();
            RawHttpServer.holdOpen();
        });
        try {
            CompletableFuture<UpdateResult> refresh = scheduler(stalling.uri("/policy.json"), Duration.ofSeconds(20))
                    .refreshNow();
            assertTrue(serverReached.await(10, TimeUnit.SECONDS));

            for (int i = 0; i < 10_000; i++) {
                assertEquals(Verdict.REQUIRE_TLS, engine.decide("a.example").verdict());
            }

            assertFalse(refresh.isDone(), "the refresh is still waiting on the stalled server");
            stalling.close();
            assertNotNull(refresh.get(30, TimeUnit.SECONDS));
        } finally {
            stalling.close();
        }
        assertEquals(ListUpdaterTest.DAY1, engine.activeList().list().timestamp());
    }

    @Test
    void aListThatExpiresBeforeTheNextRegularRunIsRefreshedBeforeItExpires() throws Exception {
        // Valid for two more hours; the regular interval is six.
        TestLists.Signed shortLived = TestLists.signed(ListUpdaterTest.KEY, ListUpdaterTest.DAY2.plusSeconds(120),
                ListJson.list(ListUpdaterTest.DAY2.plusSeconds(60), clock.instant().plus(Duration.ofHours(2)))
                        .enforce("a.example", "mx.a.example").bytes());
        serve(shortLived);
        RefreshScheduler refresh = scheduler(server.uri("/policy.json"), Duration.ofSeconds(5));

        assertInstanceOf(UpdateResult.Installed.class, refresh.refreshNow().get(30, TimeUnit.SECONDS));

        assertEquals(Duration.ofHours(1), refresh.nextDelay(), "half the time left, well before the expiry");
        clock.advance(Duration.ofMinutes(118));
        assertInstanceOf(UpdateResult.Unchanged.class, refresh.refreshNow().get(30, TimeUnit.SECONDS));
        assertEquals(Duration.ofMinutes(1), refresh.nextDelay(), "never sooner than the first retry");
    }

    @Test
    void startNowRunsTheFirstRefreshWithoutTheStartupDelay() throws Exception {
        serve(ListUpdaterTest.day2());
        ManualScheduler thread = new ManualScheduler(clock);
        ActiveList active = new ActiveList(engine.activeList(), engine::install);
        RefreshScheduler refresh = new RefreshScheduler(new ListUpdater(ListSource.url(server.uri("/policy.json")),
                new HttpListDownloader(FetchSettings.DEFAULTS), verifier, new StateDirectory(root), clock),
                active, health, new RefreshSettings(Duration.ofHours(6), 0.1, Duration.ofMinutes(1), Duration.ofHours(1),
                        Duration.ofMinutes(1)), new java.util.Random(1), clock, thread);

        refresh.startNow();
        thread.runDue();

        assertEquals(ListUpdaterTest.DAY2, engine.activeList().list().timestamp(), "fetched at once, on the given thread");
        assertEquals(clock.instant().plus(refresh.nextDelay()), thread.nextDue());
        refresh.close();
        assertEquals(0, thread.pending(), "close cancels the schedule");
    }

    @Test
    void aCandidateOlderThanTheActiveListInMemoryIsRefusedEvenWhenTheDiskCopyIsGone() throws Exception {
        serve(ListUpdaterTest.day2());
        RefreshScheduler refresh = scheduler(server.uri("/policy.json"), Duration.ofSeconds(5));
        assertInstanceOf(UpdateResult.Installed.class, refresh.refreshNow().get(30, TimeUnit.SECONDS));
        // The state directory is lost; the source serves the older day-1 list again.
        java.nio.file.Files.delete(root.resolve(StateDirectory.CURRENT_LINK));
        serve(ListUpdaterTest.day1());

        UpdateResult result = refresh.refreshNow().get(30, TimeUnit.SECONDS);

        assertInstanceOf(UpdateResult.Refused.class, result);
        assertEquals(RefusalReason.ROLLBACK, ((UpdateResult.Refused) result).reason());
        assertEquals(ListUpdaterTest.DAY2, engine.activeList().list().timestamp());
    }
}
