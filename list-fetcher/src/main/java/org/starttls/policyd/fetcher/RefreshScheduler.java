package org.starttls.policyd.fetcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.PolicyEngine;

/**
 * Runs {@link ListUpdater#update} on one thread: at {@link #start()} (at once, or after a random
 * start-up delay), then every interval with jitter, sooner with exponential back-off after
 * failures, sooner again when the active list would expire before the next regular run, and at
 * once on {@link #refreshNow()}. A verified result is offered to the {@link ActiveList}, the
 * rollback-guarded way in, so lookups never wait for a refresh and never see an older list.
 *
 * <p>The thread is either its own or one handed in (the daemon's control plane, so refreshes,
 * reloads and list changes never overlap). Every run ends by scheduling the next one, whatever
 * it threw.
 */
public final class RefreshScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshScheduler.class);

    private final ListUpdater updater;
    private final ActiveList active;
    private final ListHealth health;
    private final RefreshSettings settings;
    private final RandomGenerator random;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    /** Touched only on the executor's single thread. */
    private int consecutiveFailures;
    private final List<Consumer<UpdateResult>> listeners = new CopyOnWriteArrayList<>();
    private volatile ScheduledFuture<?> next;
    private volatile Duration nextDelay;
    private volatile boolean closed;

    /**
     * Refreshes into {@code engine} on a thread of its own (for tools and tests that hold an
     * engine); the daemon uses the other constructor.
     */
    public RefreshScheduler(ListUpdater updater, PolicyEngine engine, ListHealth health, RefreshSettings settings,
            RandomGenerator random) {
        this(updater, new ActiveList(engine.activeList(), engine::install), health, settings, random, engine.clock(),
                ownThread(), true);
    }

    /**
     * @param executor a single-threaded executor the caller owns (it is not shut down by
     *     {@link #close()}); every run and every list change happens on it
     */
    public RefreshScheduler(ListUpdater updater, ActiveList active, ListHealth health, RefreshSettings settings,
            RandomGenerator random, Clock clock, ScheduledExecutorService executor) {
        this(updater, active, health, settings, random, clock, executor, false);
    }

    private RefreshScheduler(ListUpdater updater, ActiveList active, ListHealth health, RefreshSettings settings,
            RandomGenerator random, Clock clock, ScheduledExecutorService executor, boolean ownsExecutor) {
        this.updater = Objects.requireNonNull(updater, "updater");
        this.active = Objects.requireNonNull(active, "active");
        this.health = Objects.requireNonNull(health, "health");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ownsExecutor = ownsExecutor;
    }

    private static ScheduledExecutorService ownThread() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "list-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Calls {@code listener} on the refresh thread after every run, scheduled or on demand. */
    public void addListener(Consumer<UpdateResult> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Schedules the first refresh after a random part of {@link RefreshSettings#startupDelay()}. */
    public void start() {
        executor.execute(() -> {
            try {
                schedule(settings.firstDelay(random));
            } catch (Throwable t) {
                LOG.error("list refresh: scheduling the first attempt failed; retrying in {}", settings.maxRetry(), t);
                scheduleFallback();
            }
        });
    }

    /**
     * Schedules the first refresh at once: for a daemon that has no verified list from its source
     * yet, where waiting out the start-up jitter would only prolong the gap.
     */
    public void startNow() {
        executor.execute(() -> schedule(Duration.ZERO));
    }

    /** Refreshes as soon as the refresh thread is free; the regular schedule restarts from then. */
    public CompletableFuture<UpdateResult> refreshNow() {
        CompletableFuture<UpdateResult> result = new CompletableFuture<>();
        try {
            executor.execute(() -> result.complete(runOnce()));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the refresh scheduler is closed", e));
        }
        return result;
    }

    /**
     * One run, and the next one scheduled, whatever fails. Runs on the executor's thread only.
     * Nothing may end the schedule: a run that dies of an {@link Error} (a hostile file that
     * overflowed the stack or filled the heap), a health recorder or a listener that throws, each
     * is logged at ERROR and counted as a failed attempt, and the next attempt is scheduled with
     * back-off. Catching {@link Throwable} is deliberate here: this method is the top of the
     * refresh thread's work, and an update that stops silently for good is the failure the
     * operator can least afford.
     */
    UpdateResult runOnce() {
        if (closed) {
            return new UpdateResult.Unchanged(null, "the list source was replaced; this refresh did not run");
        }
        UpdateResult result = updateAndOffer();
        consecutiveFailures = result.succeeded() ? 0 : consecutiveFailures + 1;
        try {
            health.recordAttempt(result);
        } catch (Throwable t) {
            LOG.error("list refresh: recording the attempt failed", t);
        }
        try {
            schedule(beforeExpiry(settings.nextDelay(consecutiveFailures, random)));
        } catch (Throwable t) {
            LOG.error("list refresh: scheduling the next attempt failed; retrying in {}",
                    org.starttls.policyd.core.HumanDuration.format(settings.maxRetry()), t);
            scheduleFallback();
        }
        for (Consumer<UpdateResult> listener : listeners) {
            try {
                listener.accept(result);
            } catch (Throwable t) {
                LOG.error("list refresh: a listener failed on {}", result.describe(), t);
            }
        }
        return result;
    }

    private UpdateResult updateAndOffer() {
        UpdateResult result;
        try {
            result = updater.update(active.get());
            offer(result);
        } catch (Throwable t) {
            LOG.error("list refresh from {} failed; the active list is kept", updater.source().describe(), t);
            result = new UpdateResult.Refused(RefusalReason.INTERNAL_ERROR, "the refresh failed: " + t);
        }
        return result;
    }

    /** The last resort when {@link #schedule} itself failed: keep one attempt in the future. */
    private void scheduleFallback() {
        try {
            if (!closed && !executor.isShutdown()) {
                next = executor.schedule(this::runOnce, settings.maxRetry().toMillis(), TimeUnit.MILLISECONDS);
                nextDelay = settings.maxRetry();
            }
        } catch (Throwable t) {
            LOG.error("list refresh: no further attempt could be scheduled; list updates have STOPPED", t);
        }
    }

    private void offer(UpdateResult result) {
        VerifiedList candidate = null;
        if (result instanceof UpdateResult.Installed installed) {
            candidate = installed.list();
        } else if (result instanceof UpdateResult.Unchanged unchanged) {
            // Another process (policyctl update) may have installed a newer pair than the one active.
            candidate = unchanged.installed();
        }
        if (candidate != null && active.offer(candidate) == ActiveList.Outcome.ACTIVATED) {
            health.activated(candidate, null);
            LOG.info("list: now answering from {} (timestamp {}, expires {})", candidate.source(),
                    candidate.list().timestamp(), candidate.list().expires());
        }
    }

    /**
     * {@code delay}, or less when the active list would expire before it ends: half the time left
     * (at least {@link RefreshSettings#firstRetry()}), so a list published shortly before the old
     * one runs out is fetched in time.
     */
    Duration beforeExpiry(Duration delay) {
        VerifiedList list = active.get();
        if (list == null || list.embeddedDefault()) {
            return delay;
        }
        Instant now = clock.instant();
        Duration left = Duration.between(now, list.list().expires());
        if (left.isNegative() || left.isZero() || delay.compareTo(left) < 0) {
            return delay;
        }
        Duration half = left.dividedBy(2);
        Duration earlier = half.compareTo(settings.firstRetry()) < 0 ? settings.firstRetry() : half;
        return earlier.compareTo(delay) < 0 ? earlier : delay;
    }

    private void schedule(Duration delay) {
        ScheduledFuture<?> previous = next;
        if (previous != null) {
            previous.cancel(false);
        }
        if (closed || executor.isShutdown()) {
            return;
        }
        nextDelay = delay;
        try {
            next = executor.schedule(this::runOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("next list refresh in {}", org.starttls.policyd.core.HumanDuration.format(delay));
        } catch (RejectedExecutionException e) {
            LOG.debug("not scheduling a list refresh: the executor is shut down");
        }
    }

    /** The delay most recently scheduled, for status output and tests. */
    public Duration nextDelay() {
        return nextDelay;
    }

    /** Stops refreshing; a run already started finishes. */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }
}
