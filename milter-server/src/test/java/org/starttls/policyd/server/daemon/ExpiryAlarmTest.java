package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestLists;

class ExpiryAlarmTest {
    private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualScheduler thread = new ManualScheduler(clock);
    private final List<String> alarms = new ArrayList<>();
    private final ExpiryAlarm alarm = new ExpiryAlarm(thread, clock, alarms::add);

    private static VerifiedList expiringAt(Instant expires) throws Exception {
        byte[] json = TestLists.json(NOW.minus(Duration.ofDays(1)), expires, java.util.Map.of("a.example", "mx.a.example"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new VerifiedList(PreloadListParser.parse(json), new SignatureInfo("AB", "AB", null, NOW),
                "https://lists.example/policy.json", false);
    }

    @Test
    void goesOffOnceAtTheMomentTheListExpiresAndSaysWhatIsEnforcedNow() throws Exception {
        Instant expires = NOW.plus(Duration.ofHours(3));
        alarm.watch(expiringAt(expires), EngineSettings.DEFAULTS);

        thread.advance(Duration.ofHours(3).minusMillis(1));
        assertEquals(List.of(), alarms, "not before the expiry");

        thread.advance(Duration.ofMillis(1));
        assertEquals(1, alarms.size());
        assertTrue(alarms.get(0).contains("EXPIRED now, at " + expires), alarms.get(0));
        assertTrue(alarms.get(0).contains("with expired-list: enforce-nothing policyd is now enforcing NOTHING"),
                alarms.get(0));

        thread.advance(Duration.ofDays(30));
        assertEquals(1, alarms.size(), "once");
    }

    @Test
    void withMtaStsOnTheAlarmSaysMtaStsStillProtectsButTheListAddsNothing() throws Exception {
        Instant expires = NOW.plus(Duration.ofHours(3));
        alarm.watch(expiringAt(expires), EngineSettings.DEFAULTS, true);

        thread.advance(Duration.ofHours(3));

        assertEquals(1, alarms.size());
        assertTrue(alarms.get(0).contains("policyd is now enforcing: MTA-STS wherever a domain publishes it; the list adds"
                + " nothing (the list expired at " + expires), alarms.get(0));
    }

    @Test
    void aNewListReplacesTheAlarmAndKeepEnforcingSaysSo() throws Exception {
        alarm.watch(expiringAt(NOW.plus(Duration.ofHours(1))), EngineSettings.DEFAULTS);
        Instant later = NOW.plus(Duration.ofDays(2));
        alarm.watch(expiringAt(later), EngineSettings.DEFAULTS.withExpiredList(ExpiredList.KEEP_ENFORCING));

        thread.advance(Duration.ofDays(1));
        assertEquals(List.of(), alarms, "the first list's alarm was replaced");

        thread.advance(Duration.ofDays(1));
        assertEquals(1, alarms.size());
        assertTrue(alarms.get(0).contains("keep-enforcing policyd is now enforcing: 1 domain"), alarms.get(0));
    }

    @Test
    void anAlreadyExpiredListOrNoListArmsNothing() throws Exception {
        alarm.watch(expiringAt(NOW.minusSeconds(1)), EngineSettings.DEFAULTS);
        alarm.watch(null, EngineSettings.DEFAULTS);
        assertEquals(0, thread.pending());
    }
}
