package org.starttls.policyd.server.check;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks many domains with at most {@code parallelism} at once (each check blocks on its probes),
 * and gives the results in the order the domains were given.
 */
public final class CheckRunner {
    /** More than this would be a port scan more than a check, and the policy fetcher allows 16 at once. */
    public static final int MAX_PARALLELISM = 16;

    private CheckRunner() {
    }

    public static List<DomainCheck> checkAll(EligibilityCheck check, List<String> domains, int parallelism)
            throws InterruptedException {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be 1 to " + MAX_PARALLELISM + ", not " + parallelism);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, domains.size())), runnable -> {
            Thread thread = new Thread(runnable, "policyctl-check-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<DomainCheck>> pending = new ArrayList<>(domains.size());
            for (String domain : domains) {
                pending.add(pool.submit(() -> check.check(domain)));
            }
            List<DomainCheck> results = new ArrayList<>(domains.size());
            for (Future<DomainCheck> future : pending) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a check failed unexpectedly", e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
