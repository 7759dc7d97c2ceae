package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.ListHealth;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.testing.HttpListServer;

/** The control plane on a hand-driven thread and clock: what it answers before, at and after each event. */
class ControlPlaneTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final ManualScheduler thread = new ManualScheduler(clock);
    private HttpListServer server;
    private ControlPlane plane;

    @AfterEach
    void stop() {
        if (plane != null) {
            plane.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TestLists.Signed list(Instant signedAt, Duration validFor) {
        return TestLists.signed(TestKeys.primary(), signedAt, signedAt, signedAt.plus(validFor),
                Map.of("listed.example", "mx.listed.example"));
    }

    private ControlPlane start(PolicydConfig config) throws Exception {
        DaemonSettings settings = DaemonSettings.from(config, null);
        plane = ControlPlane.start(settings, () -> settings, clock, UnaryOperator.identity(), new AnswerMeters(),
                thread, false);
        return plane;
    }

    private PolicydConfig urlConfig() throws Exception {
        server = new HttpListServer();
        Path keyring = dir.resolve("signer.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
        PolicydConfig config = new PolicydConfig();
        config.list.url = server.listUri().toString();
        config.list.keyring = keyring.toString();
        config.list.stateDir = dir.resolve("state").toString();
        return config;
    }

    @Test
    void aUrlWithNothingInstalledIsFetchedAtOnceAndLookupsDeferUntilItVerifies() throws Exception {
        PolicydConfig config = urlConfig();
        server.serve(list(clock.instant().minusSeconds(60), Duration.ofDays(14)));

        start(config);

        assertNull(plane.snapshot().list());
        assertEquals(Verdict.TEMPFAIL, plane.snapshot().engine().decide("listed.example").verdict());
        assertTrue(plane.listStatus().warnings().contains(ListHealth.NO_LIST), plane.listStatus().warnings().toString());
        assertEquals(clock.instant(), thread.nextDue(), "the first fetch is due now, not after the start-up jitter");
        assertEquals(0, server.listRequests());

        thread.runDue();

        assertEquals(1, server.listRequests());
        assertNotNull(plane.snapshot().list());
        assertEquals(Verdict.REQUIRE_TLS, plane.snapshot().engine().decide("listed.example").verdict());
        assertTrue(plane.listStatus().healthy(), plane.listStatus().warnings().toString());
        assertEquals("enforcing: MTA-STS wherever a domain publishes it, and 1 domain from the list", plane.enforcement().describe());
    }

    @Test
    void theOverridesExpiryIsCheckedAtEachUtcMidnightWithoutAReloadAndNoMoreOnceClosed() throws Exception {
        start(new PolicydConfig());
        Instant midnight = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC).plusDays(1)
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        assertTrue(thread.dueTimes().contains(midnight), thread.dueTimes().toString());

        thread.advance(Duration.between(clock.instant(), midnight));
        assertTrue(thread.dueTimes().contains(midnight.plus(Duration.ofDays(1))), "re-armed for the next day: "
                + thread.dueTimes());

        plane.close();
        assertFalse(thread.dueTimes().contains(midnight.plus(Duration.ofDays(1))), thread.dueTimes().toString());
        plane = null;
    }

    @Test
    void aDamagedInstalledCopyWithASourceAnswersTempAndIsUnhealthyMeanwhile() throws Exception {
        PolicydConfig config = urlConfig();
        TestLists.Signed pair = list(clock.instant().minusSeconds(60), Duration.ofDays(14));
        new org.starttls.policyd.fetcher.StateDirectory(dir.resolve("state")).install(
                pair.list(), list(clock.instant().minusSeconds(30), Duration.ofDays(1)).signature());

        start(config);

        assertEquals(Verdict.TEMPFAIL, plane.snapshot().engine().decide("listed.example").verdict());
        assertTrue(plane.listStatus().warnings().get(0).startsWith("the installed list does not verify"),
                plane.listStatus().warnings().toString());
        assertTrue(plane.enforcement().describe().startsWith("enforcing NOTHING (no verified list"),
                plane.enforcement().describe());
        assertEquals(clock.instant(), thread.nextDue(), "fetched at once");

        thread.runDue();
        assertEquals(Verdict.TEMPFAIL, plane.snapshot().engine().decide("listed.example").verdict(),
                "nothing served yet: still deferring, never NOTFOUND");
        Instant retry = thread.nextDue();
        Duration wait = Duration.between(clock.instant(), retry);
        assertTrue(wait.compareTo(Duration.ofMinutes(1)) >= 0 && wait.compareTo(Duration.ofSeconds(66)) <= 0,
                "retried after the first back-off step (one minute plus jitter): " + wait);

        server.serve(pair);
        thread.advance(Duration.between(clock.instant(), retry));
        assertEquals(Verdict.REQUIRE_TLS, plane.snapshot().engine().decide("listed.example").verdict());
    }

    @Test
    void whileUnverifiedEmbeddedDefaultAnswersFromTheEmbeddedListMeanwhile() throws Exception {
        PolicydConfig config = urlConfig();
        config.list.whileUnverified = "embedded-default";

        start(config);

        assertTrue(plane.snapshot().list().embeddedDefault());
        assertEquals(Verdict.NO_POLICY, plane.snapshot().engine().decide("listed.example").verdict());
        assertEquals(clock.instant(), thread.nextDue(), "fetched at once all the same");
    }

    @Test
    void anAlarmIsArmedForTheMomentTheActiveListExpiresAndARefreshBeforeIt() throws Exception {
        PolicydConfig config = urlConfig();
        TestLists.Signed shortLived = list(clock.instant().minusSeconds(60), Duration.ofHours(1));
        server.serve(shortLived);
        start(config);
        thread.runDue();
        Instant expires = plane.snapshot().list().list().expires();

        assertTrue(thread.dueTimes().contains(expires), thread.dueTimes() + " should hold " + expires);
        assertTrue(thread.nextDue().isBefore(expires), "a refresh runs before the list expires: " + thread.dueTimes());
        assertEquals("enforcing: MTA-STS wherever a domain publishes it, and 1 domain from the list", plane.enforcement().describe());

        thread.advance(Duration.between(clock.instant(), expires));

        assertEquals("enforcing: MTA-STS wherever a domain publishes it; the list adds nothing (the list expired at "
                + expires + " and expired-list is enforce-nothing)", plane.enforcement().describe());
        assertTrue(!thread.dueTimes().contains(expires), "the alarm went off once");
    }
}
