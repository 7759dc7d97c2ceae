package org.starttls.policyd.fetcher.sts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.starttls.policyd.core.sts.StsPolicyParser;

/**
 * A policy host the test scripts per domain: a policy file (parsed by the real parser) or a
 * fetch failure. {@link #hold()} and {@link #release()} as in {@link ScriptedRecords}. Counts
 * every fetch.
 */
final class ScriptedPolicies implements StsPolicySource {
    private final StsPolicyParser parser = new StsPolicyParser();
    private final Map<String, StsPolicyFetch> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    /** Serves {@code mode}, {@code maxAgeSeconds} and the MX patterns as a policy file. */
    void serve(String domain, String mode, long maxAgeSeconds, String... mx) {
        serveText(domain, policyText(mode, maxAgeSeconds, mx));
    }

    void serveText(String domain, String text) {
        answers.put(domain, new StsPolicyFetch.Parsed(parser.parse(text.getBytes(StandardCharsets.UTF_8))));
    }

    void fail(String domain, StsFailure kind, String detail) {
        answers.put(domain, new StsPolicyFetch.Failed(kind, detail));
    }

    static String policyText(String mode, long maxAgeSeconds, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String pattern : mx) {
            text.append("mx: ").append(pattern).append("\r\n");
        }
        return text.append("max_age: ").append(maxAgeSeconds).append("\r\n").toString();
    }

    synchronized void hold() {
        holding = true;
    }

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
    public CompletableFuture<StsPolicyFetch> fetch(String domain) {
        calls.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
        CompletableFuture<StsPolicyFetch> result = new CompletableFuture<>();
        Runnable answer = () -> result.complete(answers.getOrDefault(domain,
                new StsPolicyFetch.Failed(StsFailure.CONNECT, "no policy scripted for " + domain)));
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
