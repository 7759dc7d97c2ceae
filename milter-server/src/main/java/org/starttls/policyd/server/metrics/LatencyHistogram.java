package org.starttls.policyd.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A cumulative latency histogram with fixed buckets, lock-free: one {@link LongAdder} per bucket.
 * Bounds suit in-memory decisions (tens of microseconds) up to a stalled loop (a second).
 */
final class LatencyHistogram {
    /** Upper bounds in seconds, as Prometheus writes them in {@code le}. */
    static final double[] BOUNDS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1,
        1.0};

    private final LongAdder[] buckets = new LongAdder[BOUNDS_SECONDS.length];
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        long clamped = Math.max(0, nanos);
        double seconds = clamped / 1e9;
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            if (seconds <= BOUNDS_SECONDS[i]) {
                buckets[i].increment();
                break;
            }
        }
        count.increment();
        sumNanos.add(clamped);
    }

    /** Cumulative counts per bound (what {@code _bucket{le=...}} reports), then +Inf = count. */
    long[] cumulative() {
        long[] out = new long[BOUNDS_SECONDS.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            out[i] = running;
        }
        return out;
    }

    long count() {
        return count.sum();
    }

    double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
