package org.starttls.policyd.server.daemon;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for receipt-time decisions that may block up to the probe's wait budget, so the event
 * loops never do. Bounded: when every thread waits and the queue is full, the door answers a
 * tempfail for that recipient (the doors map a rejected hand-off to one), never a pass.
 */
final class DecisionPool {
    /** Decisions waiting at once; each waits at most the probe's wait budget. */
    static final int MAX_THREADS = 64;
    static final int MAX_QUEUED = 1_024;

    private DecisionPool() {
    }

    static ExecutorService create() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), runnable -> {
                    Thread thread = new Thread(runnable, "policyd-decide-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
