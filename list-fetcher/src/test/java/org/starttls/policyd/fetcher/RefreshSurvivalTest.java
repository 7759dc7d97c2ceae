package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestLists;

/**
 * No failure of any kind ends the refresh schedule: an update that dies of an {@link Error}, a
 * health recorder or a listener that throws. Each case runs the real scheduled path (no
 * {@code refreshNow}) and waits for the attempt after the failure, which a stopped schedule never
 * makes. The retry delay is a few milliseconds so the test waits on results, not on time.
 */
class RefreshSurvivalTest {
    private static final RefreshSettings QUICK_RETRY = new RefreshSettings(Duration.ofHours(6), 0,
            Duration.ofMillis(5), Duration.ofMillis(5), Duration.ZERO);
    private static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }
    };

    @TempDir
    Path root;

    private final MutableClock time = new MutableClock(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)));
    private final FailingClock updaterClock = new FailingClock(time);
    private final FailingClock healthClock = new FailingClock(time);
    private final ListHealth health = new ListHealth(healthClock, HealthThresholds.DEFAULTS);
    private final BlockingQueue<UpdateResult> results = new LinkedBlockingQueue<>();
    private TestHttpServer server;
    private PolicyEngine engine;
    private RefreshScheduler scheduler;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestHttpServer();
        TestLists.Signed day1 = ListUpdaterTest.day1();
        new StateDirectory(root).install(day1.list(), day1.signature());
        ListVerifier verifier = new ListVerifier(ListUpdaterTest.KEY.keyring());
        InstalledList startup = InstalledList.read(new StateDirectory(root), verifier);
        assertNotNull(startup.list(), "the installed pair verifies");
        engine = new PolicyEngine(time, EngineSettings.DEFAULTS, startup.list());
        health.activated(startup.list(), null);
        TestLists.Signed day2 = ListUpdaterTest.day2();
        server.serve("/policy.json", TestHttpServer.Response.ok(day2.list()))
                .serve("/policy.json.asc", TestHttpServer.Response.ok(day2.signature()));
        ListUpdater updater = new ListUpdater(ListSource.url(server.uri("/policy.json"), server.uri("/policy.json.asc")),
                new HttpListDownloader(FetchSettings.DEFAULTS), verifier, new StateDirectory(root), updaterClock);
        scheduler = new RefreshScheduler(updater, engine, health, QUICK_RETRY, NO_JITTER);
        scheduler.addListener(results::add);
    }

    @AfterEach
    void tearDown() {
        scheduler.close();
        server.close();
    }

    private UpdateResult nextResult() throws InterruptedException {
        UpdateResult result = results.poll(30, TimeUnit.SECONDS);
        assertTrue(result != null, "no further refresh ran: the schedule stopped");
        return result;
    }

    @Test
    void anUpdateThatOverflowsTheStackIsCountedAndTheScheduleGoesOn() throws Exception {
        updaterClock.failNextReadingWith(new StackOverflowError("hostile input"));

        scheduler.start();

        UpdateResult failed = nextResult();
        assertInstanceOf(UpdateResult.Refused.class, failed);
        assertEquals(RefusalReason.INTERNAL_ERROR, ((UpdateResult.Refused) failed).reason());
        assertTrue(failed.describe().contains("StackOverflowError"), failed.describe());
        assertEquals(1, health.totalFailures());
        assertInstanceOf(UpdateResult.Installed.class, nextResult());
        assertEquals(ListUpdaterTest.DAY2, engine.activeList().list().timestamp());
        assertEquals(Duration.ofHours(6), scheduler.nextDelay());
    }

    @Test
    void anUpdateThatRunsOutOfMemoryIsCountedAndTheScheduleGoesOn() throws Exception {
        updaterClock.failNextReadingWith(new OutOfMemoryError("Java heap space"));

        scheduler.start();

        assertEquals(RefusalReason.INTERNAL_ERROR, ((UpdateResult.Refused) nextResult()).reason());
        assertTrue(health.status().lastResult().contains("OutOfMemoryError"), health.status().lastResult());
        assertInstanceOf(UpdateResult.Installed.class, nextResult());
    }

    @Test
    void aFailingHealthRecorderDoesNotStopTheSchedule() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.status(500));
        healthClock.failNextReadingWith(new OutOfMemoryError("while recording"));

        scheduler.start();

        assertInstanceOf(UpdateResult.Refused.class, nextResult());
        assertInstanceOf(UpdateResult.Refused.class, nextResult());
        assertEquals(Duration.ofMillis(5), scheduler.nextDelay());
    }

    @Test
    void aFailingListenerDoesNotStopTheScheduleNorTheOtherListeners() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.status(500));
        RefreshScheduler refresh = scheduler;
        refresh.addListener(result -> {
            throw new IllegalStateException("a listener bug");
        });
        refresh.addListener(result -> {
            throw new StackOverflowError("a listener overflow");
        });

        UpdateResult onDemand = refresh.refreshNow().get(30, TimeUnit.SECONDS);

        assertInstanceOf(UpdateResult.Refused.class, onDemand);
        assertInstanceOf(UpdateResult.Refused.class, nextResult());
        assertInstanceOf(UpdateResult.Refused.class, nextResult(), "the retry after the on-demand run happened");
        assertTrue(health.totalFailures() >= 2);
    }
}
