package org.starttls.policyd.server.bench;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, kept as raw samples and sorted once for exact percentiles. One
 * recorder per connection, written by that connection's event loop only; {@link #merge} combines
 * them after the run. Holds at most {@code capacity} samples (8 bytes each); later samples are
 * counted but not kept, which {@link #dropped()} reports.
 */
final class LatencyRecorder {
    private long[] samples;
    private int size;
    private final int capacity;
    private long dropped;

    LatencyRecorder(int capacity) {
        this.capacity = capacity;
        this.samples = new long[Math.min(capacity, 1024)];
    }

    void record(long nanos) {
        if (size == samples.length) {
            if (size == capacity) {
                dropped++;
                return;
            }
            samples = Arrays.copyOf(samples, (int) Math.min(capacity, size * 2L));
        }
        samples[size++] = nanos;
    }

    int size() {
        return size;
    }

    long dropped() {
        return dropped;
    }

    static Percentiles merge(Iterable<LatencyRecorder> recorders) {
        int total = 0;
        long dropped = 0;
        for (LatencyRecorder recorder : recorders) {
            total += recorder.size;
            dropped += recorder.dropped;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyRecorder recorder : recorders) {
            System.arraycopy(recorder.samples, 0, all, at, recorder.size);
            at += recorder.size;
        }
        Arrays.sort(all);
        return new Percentiles(all, dropped);
    }

    /** Sorted samples; percentiles by the nearest-rank method. */
    static final class Percentiles {
        private final long[] sorted;
        private final long dropped;

        Percentiles(long[] sorted, long dropped) {
            this.sorted = sorted;
            this.dropped = dropped;
        }

        long count() {
            return sorted.length;
        }

        long dropped() {
            return dropped;
        }

        /** The smallest sample with at least {@code percent}% of samples at or below it; 0 when empty. */
        long at(double percent) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        long max() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }
    }
}
