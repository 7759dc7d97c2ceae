package org.starttls.policyd.fetcher.sts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What {@link ScriptedRecords} and {@link ScriptedPolicies} share: one scripted answer per domain,
 * a count of every request, and a hold: while {@link #hold()} is on, requests wait until
 * {@link #release()} and are then answered with what is scripted at that moment, so a test can see
 * a resolution in progress.
 *
 * @param <T> the answer type
 */
final class ScriptedAnswers<T> {
    private final Map<String, T> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Function<String, T> unscripted;
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    /** @param unscripted the answer for a domain nothing was scripted for */
    ScriptedAnswers(Function<String, T> unscripted) {
        this.unscripted = unscripted;
    }

    void put(String domain, T answer) {
        answers.put(domain, answer);
    }

    synchronized void hold() {
        holding = true;
    }

    /** Answers the held requests (with the answers scripted now) and stops holding. */
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

    CompletableFuture<T> answer(String domain) {
        calls.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable answer = () -> {
            T scripted = answers.get(domain);
            result.complete(scripted != null ? scripted : unscripted.apply(domain));
        };
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
