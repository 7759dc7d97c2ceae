package org.starttls.policyd.fetcher.sts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.starttls.policyd.core.sts.StsRecord;

/**
 * A TXT source the test scripts per domain: a record with an id, no record, a DNS failure. While
 * {@link #hold()} is on, lookups wait until {@link #release()}, so a test can see a resolution in
 * progress. Counts every lookup.
 */
final class ScriptedRecords implements StsRecordSource {
    private final Map<String, StsRecordLookup> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    void id(String domain, String id) {
        answers.put(domain, new StsRecordLookup.Answered(StsRecord.select(List.of("v=STSv1; id=" + id))));
    }

    void noRecord(String domain) {
        answers.put(domain, new StsRecordLookup.Answered(StsRecord.select(List.of("v=spf1 -all"))));
    }

    void fail(String domain, String detail) {
        answers.put(domain, new StsRecordLookup.Failed(detail));
    }

    synchronized void hold() {
        holding = true;
    }

    /** Answers the held lookups (with the answers scripted now) and stops holding. */
    void release() {
        List<Runnable> waiting;
        synchronized (this) {
            holding = false;
            waiting = new ArrayList<>(held);
            held.clear();
        }
        waiting.forEach(Runnable::run);
    }

    int calls(String domain) {
        AtomicInteger count = calls.get(domain);
        return count == null ? 0 : count.get();
    }

    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public CompletableFuture<StsRecordLookup> lookup(String domain) {
        calls.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
        CompletableFuture<StsRecordLookup> result = new CompletableFuture<>();
        Runnable answer = () -> result.complete(answers.getOrDefault(domain,
                new StsRecordLookup.Failed("no answer scripted for " + domain)));
        synchronized (this) {
            if (holding) {
                held.add(answer);
                return result;
            }
        }
        answer.run();
        return result;
    }
}
