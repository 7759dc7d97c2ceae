package org.starttls.policyd.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.ListStatus;

class PrometheusTextTest {
    private static final ListStatus HEALTHY = new ListStatus("file", false, null, null, false, null, null, null, 0,
            List.of());

    @Test
    void histogramBucketsAreCumulativeAndEndWithTheCount() {
        AnswerMeters meters = new AnswerMeters();
        DoorMeter door = meters.door("socketmap");
        door.answered("OK", 30_000);        // 30 us: first bucket
        door.answered("OK", 700_000);       // 0.7 ms: the 1 ms bucket
        door.answered("TEMP", 5_000_000_000L); // 5 s: only +Inf

        String text = PrometheusText.render(meters, new DaemonSnapshot(Instant.EPOCH, null, HEALTHY, 0, List.of()));

        assertTrue(text.contains("policyd_answer_duration_seconds_bucket{door=\"socketmap\",le=\"5.0E-5\"} 1\n"), text);
        assertTrue(text.contains("policyd_answer_duration_seconds_bucket{door=\"socketmap\",le=\"5.0E-4\"} 1\n"), text);
        assertTrue(text.contains("policyd_answer_duration_seconds_bucket{door=\"socketmap\",le=\"0.001\"} 2\n"), text);
        assertTrue(text.contains("policyd_answer_duration_seconds_bucket{door=\"socketmap\",le=\"1.0\"} 2\n"), text);
        assertTrue(text.contains("policyd_answer_duration_seconds_bucket{door=\"socketmap\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("policyd_answer_duration_seconds_count{door=\"socketmap\"} 3\n"), text);
        assertTrue(text.contains("policyd_answers_total{door=\"socketmap\",answer=\"OK\"} 2\n"), text);
        assertTrue(text.contains("policyd_answers_total{door=\"socketmap\",answer=\"TEMP\"} 1\n"), text);
        assertFalse(text.contains("policyd_list_age_seconds"), "no list, no list gauges");
        assertTrue(text.contains("policyd_healthy 1\n"), text);
    }

    @Test
    void labelValuesAreEscapedAndAnswerKindsAreBounded() {
        assertEquals("a\\\"b\\\\c\\nd", PrometheusText.escape("a\"b\\c\nd"));
        DoorMeter door = new AnswerMeters().door("policy");
        for (int i = 0; i < DoorMeter.MAX_ANSWER_KINDS + 10; i++) {
            door.counted("kind" + i);
        }
        assertEquals(DoorMeter.MAX_ANSWER_KINDS + 1, door.answers().size());
        assertEquals(10L, door.answers().get(DoorMeter.OTHER));
    }

    @Test
    void aClosedDoorOrAListWarningIsUnhealthyWithTheReasons() {
        ListStatus warned = new ListStatus("file", false, null, null, true, null, null, null, 0,
                List.of("the active list EXPIRED"));
        Health health = Health.of(new DaemonSnapshot(Instant.EPOCH, null, warned, 0,
                List.of(new DaemonSnapshot.DoorState("socketmap", false))));
        assertFalse(health.healthy());
        assertEquals("unhealthy\ndoor socketmap is not accepting connections\nthe active list EXPIRED\n", health.body());
    }
}
