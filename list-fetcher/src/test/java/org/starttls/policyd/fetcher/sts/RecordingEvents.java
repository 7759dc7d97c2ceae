package org.starttls.policyd.fetcher.sts;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the resolver reports, and keeps the downgrade sentences. */
final class RecordingEvents implements StsEvents {
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger misses = new AtomicInteger();
    final AtomicInteger stale = new AtomicInteger();
    final AtomicInteger idChanges = new AtomicInteger();
    final Map<StsFailure, AtomicInteger> failures = new ConcurrentHashMap<>();
    final List<String> downgrades = new CopyOnWriteArrayList<>();

    int failures(StsFailure kind) {
        AtomicInteger count = failures.get(kind);
        return count == null ? 0 : count.get();
    }

    @Override
    public void cacheHit() {
        hits.incrementAndGet();
    }

    @Override
    public void cacheMiss() {
        misses.incrementAndGet();
    }

    @Override
    public void fetchFailed(StsFailure kind) {
        failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void staleServed() {
        stale.incrementAndGet();
    }

    @Override
    public void idChanged() {
        idChanges.incrementAndGet();
    }

    @Override
    public void downgradeSeen(String domain, String how) {
        downgrades.add(domain + ": " + how);
    }
}
