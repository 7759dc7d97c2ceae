package org.starttls.policyd.fetcher;

import org.starttls.policyd.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.signature.SignatureInfo;

class ListHealthTest {
    private static final Instant TIMESTAMP = Instant.parse("2019-06-01T00:00:00Z");
    private static final Instant EXPIRES = TIMESTAMP.plus(Duration.ofDays(14));

    private final MutableClock clock = new MutableClock(TIMESTAMP.plus(Duration.ofDays(1)));
    private final ListHealth health = new ListHealth(clock, HealthThresholds.DEFAULTS);

    /** Built directly: health only reads the list's times, not how it was verified. */
    private static VerifiedList list(boolean embedded) throws Exception {
        return new VerifiedList(ListJson.list(TIMESTAMP, EXPIRES).enforce("a.example", "mx.a.example").parsed(),
                new SignatureInfo("AB", "AB", null, TIMESTAMP), "https://lists.example/policy.json", embedded);
    }

    private static UpdateResult refused() {
        return new UpdateResult.Refused(RefusalReason.DOWNLOAD, "https://lists.example/policy.json: HTTP 500 (expected 200)");
    }

    @Test
    void aFreshListWithWorkingUpdatesIsHealthy() throws Exception {
        health.activated(list(false), null);
        health.recordAttempt(new UpdateResult.Unchanged(list(false), "not modified"));

        ListStatus status = health.status();

        assertTrue(status.healthy(), status.warnings().toString());
        assertEquals(EXPIRES, status.expires());
        assertEquals(clock.instant(), status.lastSuccess());
        assertEquals("https://lists.example/policy.json", status.source());
    }

    @Test
    void warnsWhenTheListIsOlderThanTheThreshold() throws Exception {
        health.activated(list(false), null);
        clock.set(TIMESTAMP.plus(Duration.ofDays(7)));
        assertEquals(List.of(), health.status().warnings());

        clock.set(TIMESTAMP.plus(Duration.ofDays(8)));

        assertEquals(List.of("the active list is 8 days old (timestamp 2019-06-01T00:00:00Z), over the threshold of 7 days"),
                health.status().warnings());
    }

    @Test
    void warnsCloseToExpiryAndLouderAfterIt() throws Exception {
        health.activated(list(false), null);
        clock.set(EXPIRES.minus(Duration.ofDays(2)));
        assertTrue(health.status().warnings().stream().anyMatch(w -> w.startsWith("the active list expires at")),
                health.status().warnings().toString());
        assertFalse(health.status().expired());

        clock.set(EXPIRES);

        assertTrue(health.status().expired());
        assertTrue(health.status().warnings().stream().anyMatch(w -> w.startsWith("the active list EXPIRED at")),
                health.status().warnings().toString());
    }

    @Test
    void saysHowLongIsLeftInHumanUnitsNotZeroHours() throws Exception {
        health.activated(list(false), null);
        clock.set(EXPIRES.minus(Duration.ofSeconds(90)));
        assertTrue(health.status().warnings().contains("the active list expires at " + EXPIRES + ", in 1 min 30 s"),
                health.status().warnings().toString());
        clock.set(EXPIRES.minus(Duration.ofHours(6).plusMinutes(25)));
        assertTrue(health.status().warnings().contains("the active list expires at " + EXPIRES + ", in 6 h 25 min"),
                health.status().warnings().toString());
        clock.set(EXPIRES.plus(Duration.ofMinutes(3)));
        assertTrue(health.status().warnings().stream().anyMatch(w -> w.contains("(3 min ago)")),
                health.status().warnings().toString());
    }

    @Test
    void warnsAfterTheConfiguredNumberOfFailuresInARowAndClearsOnSuccess() throws Exception {
        health.activated(list(false), null);
        health.recordAttempt(refused());
        health.recordAttempt(refused());
        assertTrue(health.status().healthy());

        health.recordAttempt(refused());

        ListStatus status = health.status();
        assertEquals(3, status.consecutiveFailures());
        assertEquals(List.of("the last 3 update attempts failed; the last one: refused (download): "
                + "https://lists.example/policy.json: HTTP 500 (expected 200)"), status.warnings());

        health.recordAttempt(new UpdateResult.Unchanged(list(false), "not modified"));
        assertTrue(health.status().healthy());
        assertEquals(0, health.status().consecutiveFailures());
    }

    @Test
    void theEmbeddedDefaultAndAStartupNoticeAreWarnings() throws Exception {
        health.activated(list(true), "the installed list does not verify (bad signature); falling back");

        List<String> warnings = health.status().warnings();

        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("the installed list does not verify"));
        assertTrue(health.status().embeddedDefault());
    }

    @Test
    void noActiveListIsAWarning() {
        assertEquals(List.of(ListHealth.NO_LIST), health.status().warnings());
    }
}
