package org.starttls.policyd.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.ListStatus;

/** What makes /health 503 (an outage or a list the operator relies on in trouble) and what is only a warning. */
class HealthTest {
    private static final List<DaemonSnapshot.DoorState> OPEN = List.of(new DaemonSnapshot.DoorState("socketmap", true));
    private static final ListStatus EMBEDDED_EXPIRED = new ListStatus("embedded default", true, null, null, true, null,
            null, null, 0, List.of("using the embedded EFF list", "the active list EXPIRED"));

    private static Health health(ListStatus list, List<DaemonSnapshot.DoorState> doors, String daneProblem,
            boolean listIsAdvisory) {
        return Health.of(new DaemonSnapshot(Instant.EPOCH, null, list, 0, doors, daneProblem, 0, 0, listIsAdvisory));
    }

    @Test
    void aResolverThatDoesNotValidateIsAWarningThatSaysHowToGetDane() {
        ListStatus fine = new ListStatus("file", false, null, null, false, null, null, null, 0, List.of());
        Health health = health(fine, OPEN, "the resolver 192.0.2.1:53 does not validate DNSSEC", false);
        assertTrue(health.healthy());
        assertEquals("ok\nwarning: DANE does not apply: the resolver 192.0.2.1:53 does not validate DNSSEC; "
                + Health.HOW_TO_GET_DANE + "\n", health.body());
    }

    @Test
    void theExpiredEmbeddedListWithoutASourceIsAdviceWhileMtaStsProtects() {
        Health health = health(EMBEDDED_EXPIRED, OPEN, null, true);
        assertTrue(health.healthy(), health.body());
        assertEquals("ok\nwarning: using the embedded EFF list\nwarning: the active list EXPIRED\nwarning: "
                + Health.MTA_STS_PROTECTS + "\n", health.body());
    }

    @Test
    void theSameListIsUnhealthyWhenTheOperatorReliesOnIt() {
        // A configured source, or MTA-STS off: the list is what protects, and it protects nothing.
        Health health = health(EMBEDDED_EXPIRED, OPEN, null, false);
        assertFalse(health.healthy());
        assertEquals("unhealthy\nusing the embedded EFF list\nthe active list EXPIRED\n", health.body());
    }

    @Test
    void aClosedDoorIsUnhealthyEvenWhenTheRestIsAdvice() {
        Health health = health(EMBEDDED_EXPIRED, List.of(new DaemonSnapshot.DoorState("socketmap", false)),
                "it does not validate", true);
        assertFalse(health.healthy());
        assertEquals(List.of("door socketmap is not accepting connections"), health.reasons());
        assertTrue(health.body().startsWith("unhealthy\ndoor socketmap is not accepting connections\nwarning: "),
                health.body());
        assertTrue(health.body().endsWith("warning: DANE does not apply: it does not validate; "
                + Health.HOW_TO_GET_DANE + "\n"), health.body());
    }
}
