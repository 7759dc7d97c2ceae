package org.starttls.policyd.server.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a door at its connection limit did, summed so that a flood of connections gives one log
 * line per interval instead of one per connection. The first event is reported at once; later
 * ones are counted and reported with the first event after the interval has passed. Thread-safe.
 */
final class LimitReport {
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final String doorName;
    private final int maxConnections;
    private final long intervalNanos;
    private boolean reportedBefore;
    private long lastReportNanos;
    private long evicted;
    private long halfSentClosed;
    private long refused;

    LimitReport(String doorName, int maxConnections, Duration interval) {
        this.doorName = doorName;
        this.maxConnections = maxConnections;
        this.intervalNanos = interval.toNanos();
    }

    /** Counts an idle connection closed for a newcomer; returns the line to log now, or null. */
    synchronized String evicted(long nowNanos) {
        evicted++;
        return reportIfDue(nowNanos);
    }

    /** Counts a connection closed for a newcomer after leaving a request half-sent past the grace; returns the line to log now, or null. */
    synchronized String halfSentClosed(long nowNanos) {
        halfSentClosed++;
        return reportIfDue(nowNanos);
    }

    /** Counts a newcomer refused because every connection was busy; returns the line to log now, or null. */
    synchronized String refused(long nowNanos) {
        refused++;
        return reportIfDue(nowNanos);
    }

    private String reportIfDue(long nowNanos) {
        if (reportedBefore && nowNanos - lastReportNanos < intervalNanos) {
            return null;
        }
        StringBuilder line = new StringBuilder(doorName).append(": at the limit of ").append(plural(maxConnections, "connection"))
                .append(": closed ").append(plural(evicted, "idle connection"))
                .append(" to serve newcomers");
        if (halfSentClosed > 0) {
            line.append(", closed ").append(plural(halfSentClosed, "connection"))
                    .append(" that left a request half-sent");
        }
        if (refused > 0) {
            line.append(", refused ").append(plural(refused, "newcomer")).append(" while every connection was busy");
        }
        if (reportedBefore) {
            line.append(" in the last ").append(TimeUnit.NANOSECONDS.toSeconds(nowNanos - lastReportNanos)).append(" s");
        } else {
            line.append("; until this stops, one line every ").append(TimeUnit.NANOSECONDS.toSeconds(intervalNanos))
                    .append(" s sums it up");
        }
        reportedBefore = true;
        lastReportNanos = nowNanos;
        evicted = 0;
        halfSentClosed = 0;
        refused = 0;
        return line.toString();
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
