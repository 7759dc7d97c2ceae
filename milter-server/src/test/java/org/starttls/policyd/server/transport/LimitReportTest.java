package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A flood at the connection limit is logged once per interval, with the counts. */
class LimitReportTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void theFirstEventIsReportedAtOnceAndTheRestOncePerInterval() {
        LimitReport report = new LimitReport("socketmap", 1024, Duration.ofSeconds(60));
        long start = 5_000 * SECOND;
        assertEquals("socketmap: at the limit of 1024 connections: closed 1 idle connection"
                + " to serve newcomers; until this stops, one line every 60 s sums it up", report.evicted(start));
        for (int i = 1; i < 1_000; i++) {
            assertNull(report.evicted(start + i * SECOND / 100));
        }
        assertNull(report.refused(start + 59 * SECOND));
        assertEquals("socketmap: at the limit of 1024 connections: closed 999 idle connections"
                + " to serve newcomers, refused 2 newcomers while every connection was busy in the last 60 s",
                report.refused(start + 60 * SECOND));
        assertNull(report.evicted(start + 61 * SECOND));
    }

    @Test
    void aRefusalAloneIsReported() {
        LimitReport report = new LimitReport("admin", 16, Duration.ofSeconds(60));
        assertEquals("admin: at the limit of 16 connections: closed 0 idle connections"
                + " to serve newcomers, refused 1 newcomer while every connection was busy;"
                + " until this stops, one line every 60 s sums it up", report.refused(-3 * SECOND));
    }

    @Test
    void halfSentRequestsClosedAreCountedApart() {
        LimitReport report = new LimitReport("metrics", 16, Duration.ofSeconds(60));
        assertEquals("metrics: at the limit of 16 connections: closed 0 idle connections to serve newcomers,"
                + " closed 1 connection that left a request half-sent;"
                + " until this stops, one line every 60 s sums it up", report.halfSentClosed(0));
        assertNull(report.halfSentClosed(SECOND));
        assertNull(report.evicted(2 * SECOND));
        assertEquals("metrics: at the limit of 16 connections: closed 1 idle connection to serve newcomers,"
                + " closed 1 connection that left a request half-sent, refused 1 newcomer while every connection"
                + " was busy in the last 60 s", report.refused(60 * SECOND));
    }
}
