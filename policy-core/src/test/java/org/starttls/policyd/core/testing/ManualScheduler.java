package org.starttls.policyd.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-threaded {@link ScheduledExecutorService} driven by hand on the test's own thread,
 * with time taken from a {@link MutableClock}: {@link #advance} moves the clock and runs every
 * task that has come due, in order. Nothing runs on its own, so timer tests never sleep.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final MutableClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private boolean shutdown;

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    public MutableClock clock() {
        return clock;
    }

    /** Runs the tasks due now (including ones they submit for now). */
    public void runDue() {
        while (true) {
            Task<?> task;
            synchronized (this) {
                task = queue.peek();
                if (task == null || task.at.isAfter(clock.instant())) {
                    return;
                }
                queue.poll();
            }
            task.run();
        }
    }

    /** Moves the clock forward step by step to each due task, running it at its time, then to the end. */
    public void advance(Duration by) {
        Instant end = clock.instant().plus(by);
        while (true) {
            runDue();
            Instant nextAt;
            synchronized (this) {
                Task<?> task = queue.peek();
                nextAt = task == null ? null : task.at;
            }
            if (nextAt == null || nextAt.isAfter(end)) {
                clock.set(end);
                runDue();
                return;
            }
            clock.set(nextAt);
        }
    }

    /** When the earliest pending task is due, or null when none is pending. */
    public synchronized Instant nextDue() {
        Task<?> task = queue.peek();
        return task == null ? null : task.at;
    }

    /** When each pending task is due, earliest first. */
    public synchronized List<Instant> dueTimes() {
        return queue.stream().map(task -> task.at).sorted().toList();
    }

    public synchronized int pending() {
        return queue.size();
    }

    private synchronized <T> Task<T> enqueue(Callable<T> work, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Task<T> task = new Task<>(work, clock.instant().plusNanos(Math.max(0, unit.toNanos(delay))),
                sequence.incrementAndGet());
        queue.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command) {
        enqueue(() -> {
            command.run();
            return null;
        }, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** One queued task; cancelling removes it from the queue. */
    private final class Task<T> implements ScheduledFuture<T>, Runnable {
        private final Callable<T> work;
        private final Instant at;
        private final long order;
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Task(Callable<T> work, Instant at, long order) {
            this.work = work;
            this.at = at;
            this.order = order;
        }

        @Override
        public void run() {
            if (result.isDone()) {
                return;
            }
            try {
                result.complete(work.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), at));
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> that = (Task<?>) other;
            int byTime = at.compareTo(that.at);
            return byTime != 0 ? byTime : Long.compare(order, that.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduler.this) {
                queue.remove(this);
            }
            return result.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return result.isCancelled();
        }

        @Override
        public boolean isDone() {
            return result.isDone();
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            return result.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return result.get(timeout, unit);
        }
    }
}
