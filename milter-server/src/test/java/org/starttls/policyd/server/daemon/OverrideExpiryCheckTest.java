package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.OverridePolicy;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;

class OverrideExpiryCheckTest {
    /** A Thursday afternoon; the override below applies through the 20th (UTC). */
    private static final Instant NOW = Instant.parse("2026-01-08T15:30:00Z");
    private static final LocalDate LAST_DAY = LocalDate.parse("2026-01-20");

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualScheduler thread = new ManualScheduler(clock);
    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private final AtomicReference<Overrides> inForce = new AtomicReference<>(new Overrides(List.of(
            new LocalOverride("partner.example", OverridePolicy.NONE, List.of(), "broken TLS", LAST_DAY, 4),
            new LocalOverride("forever.example", OverridePolicy.DANE_ONLY, List.of(), "ours", null, 7))));
    private final OverrideExpiryCheck check = new OverrideExpiryCheck(thread, clock, inForce::get,
            new OverrideExpiryCheck.Sink() {
                @Override
                public void warn(String sentence) {
                    warnings.add(sentence);
                }

                @Override
                public void info(String sentence) {
                    infos.add(sentence);
                }
            });

    /** Moves the clock to 00:00 UTC of {@code day} and runs the checks due by then. */
    private void advanceTo(String day) {
        thread.advance(Duration.between(clock.instant(), LocalDate.parse(day).atStartOfDay().toInstant(
                java.time.ZoneOffset.UTC)));
    }

    @Test
    void warnsDailyFromSevenDaysBeforeAndSaysOnceTheDayItStoppedApplying() {
        check.start();

        advanceTo("2026-01-13");
        assertEquals(List.of(), warnings, "more than 7 days before the end: nothing yet");

        thread.advance(Duration.ofHours(23).plusMinutes(59));
        assertEquals(List.of(), warnings, "the 13th is checked once, at its start");

        advanceTo("2026-01-14");
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("the local override of partner.example (line 4, none) stops applying after 2026-01-20;"
                + " renew its expires or remove it", warnings.get(0));

        advanceTo("2026-01-20");
        assertEquals(7, warnings.size(), "one warning a day, 14th to 20th: " + warnings);
        assertEquals(List.of(), infos);

        advanceTo("2026-01-21");
        assertEquals(7, warnings.size(), "no warning once it stopped applying");
        assertEquals(1, infos.size());
        assertTrue(infos.get(0).startsWith("the local override of partner.example (line 4, none) expired on 2026-01-20"
                + " and no longer applies from today"), infos.get(0));

        advanceTo("2026-02-28");
        assertEquals(1, infos.size(), "said on that day only");
        assertEquals(7, warnings.size());
        assertEquals(1, thread.pending(), "the next day's check stays armed");
    }

    @Test
    void eachCheckReadsTheOverridesInForceThen() {
        check.start();
        inForce.set(Overrides.NONE); // a reload removed the entry
        advanceTo("2026-01-21");
        assertEquals(List.of(), warnings);
        assertEquals(List.of(), infos);
    }

    @Test
    void aTimerThatRunsEarlyAgainstTheClockDoesNotCheckTheSameDayTwice() {
        // The check reads a wall clock that can step; the timer runs on the scheduler's own time.
        MutableClock wall = new MutableClock(Instant.parse("2026-01-16T12:00:00Z"));
        clock.set(wall.instant());
        OverrideExpiryCheck stepped = new OverrideExpiryCheck(thread, wall, inForce::get,
                new OverrideExpiryCheck.Sink() {
                    @Override
                    public void warn(String sentence) {
                        warnings.add(sentence);
                    }

                    @Override
                    public void info(String sentence) {
                        infos.add(sentence);
                    }
                });
        stepped.start();

        wall.set(Instant.parse("2026-01-16T18:00:00Z")); // the wall clock stepped back 6 hours
        thread.advance(Duration.ofHours(12));
        assertEquals(List.of(), warnings, "still the 16th on the wall clock: start already announced it");
        assertEquals(1, thread.pending(), "re-armed for the wall clock's midnight");

        wall.set(Instant.parse("2026-01-17T00:00:00Z"));
        thread.advance(Duration.ofHours(6));
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void stopCancelsTheCheck() {
        check.start();
        check.stop();
        assertEquals(0, thread.pending());
    }
}
