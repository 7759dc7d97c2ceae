package org.starttls.policyd.server.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.starttls.policyd.fetcher.sts.StsEvents;
import org.starttls.policyd.fetcher.sts.StsFailure;

/**
 * The MTA-STS resolver's counters for {@code /metrics}: cache hits and misses, failed lookups and
 * fetches by {@link StsFailure} label, stale policies served, {@code id} changes and downgrades
 * seen, and the number of cached policies. Only counters: callable from any thread.
 */
public final class StsMeters implements StsEvents {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder idChanges = new LongAdder();
    private final LongAdder downgrades = new LongAdder();
    private final Map<StsFailure, LongAdder> failures = new EnumMap<>(StsFailure.class);
    private volatile LongSupplier entries = () -> 0;

    public StsMeters() {
        for (StsFailure kind : StsFailure.values()) {
            failures.put(kind, new LongAdder());
        }
    }

    @Override
    public void cacheHit() {
        hits.increment();
    }

    @Override
    public void cacheMiss() {
        misses.increment();
    }

    @Override
    public void fetchFailed(StsFailure kind) {
        failures.get(kind).increment();
    }

    @Override
    public void staleServed() {
        stale.increment();
    }

    @Override
    public void idChanged() {
        idChanges.increment();
    }

    @Override
    public void downgradeSeen(String domain, String how) {
        downgrades.increment();
    }

    /** Where the number of cached policies is read from (the resolver, once it runs). */
    public void countEntriesWith(LongSupplier source) {
        entries = source;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long staleAnswers() {
        return stale.sum();
    }

    public long idChanges() {
        return idChanges.sum();
    }

    public long downgrades() {
        return downgrades.sum();
    }

    public long failures(StsFailure kind) {
        return failures.get(kind).sum();
    }

    public long entries() {
        return entries.getAsLong();
    }
}
