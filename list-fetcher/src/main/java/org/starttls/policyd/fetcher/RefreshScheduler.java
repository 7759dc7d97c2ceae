package org.starttls.policyd.fetcher;

import java.time.Duration;
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
 * Runs {@link ListUpdater#update()} on its own thread: shortly after start, then every interval
 * with jitter, sooner with exponential back-off after failures, and at once on
 * {@link #refreshNow()}. A new list goes into the engine with {@link PolicyEngine#install}, one
 * atomic swap, so lookups never wait for a refresh (downloads take seconds; a lookup takes none).
 */
public final class RefreshScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshScheduler.class);

    private final ListUpdater updater;
    private final PolicyEngine engine;
    private final ListHealth health;
    private final RefreshSettings settings;
    private final RandomGenerator random;
    private final ScheduledExecutorService executor;
    /** Touched only on the executor's single thread. */
    private int consecutiveFailures;
    private final List<Consumer<UpdateResult>> listeners = new CopyOnWriteArrayList<>();
    private volatile ScheduledFuture<?> next;
    private volatile Duration nextDelay;

    public RefreshScheduler(ListUpdater updater, PolicyEngine engine, ListHealth health, RefreshSettings settings,
            RandomGenerator random) {
        this.updater = Objects.requireNonNull(updater, "updater");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.health = Objects.requireNonNull(health, "health");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
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
     * One run, and the next one scheduled, whatever fails. Nothing may end the schedule: a run
     * that dies of an {@link Error} (a hostile file that overflowed the stack or filled the heap),
     * a health recorder or a listener that throws, each is logged at ERROR and counted as a failed
     * attempt, and the next attempt is scheduled with back-off. Catching {@link Throwable} is
     * deliberate here: this method is the top of the refresh thread's work, and an update that
     * stops silently for good is the failure the operator can least afford.
     */
    private UpdateResult runOnce() {
        UpdateResult result = updateAndActivate();
        consecutiveFailures = result.succeeded() ? 0 : consecutiveFailures + 1;
        try {
            health.recordAttempt(result);
        } catch (Throwable t) {
            LOG.error("list refresh: recording the attempt failed", t);
        }
        try {
            schedule(settings.nextDelay(consecutiveFailures, random));
        } catch (Throwable t) {
            LOG.error("list refresh: scheduling the next attempt failed; retrying in {}", settings.maxRetry(), t);
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

    private UpdateResult updateAndActivate() {
        UpdateResult result;
        try {
            result = updater.update();
            if (result instanceof UpdateResult.Installed) {
                activate(((UpdateResult.Installed) result).list());
            } else if (result instanceof UpdateResult.Unchanged) {
                // Another process (policyctl update) may have installed a newer pair than the engine has.
                VerifiedList onDisk = ((UpdateResult.Unchanged) result).installed();
                if (onDisk != null && newerThanActive(onDisk)) {
                    activate(onDisk);
                }
            }
        } catch (Throwable t) {
            LOG.error("list refresh from {} failed; the active list is kept", updater.source().describe(), t);
            result = new UpdateResult.Refused(RefusalReason.INTERNAL_ERROR, "the refresh failed: " + t);
        }
        return result;
    }

    /** The last resort when {@link #schedule} itself failed: keep one attempt in the future. */
    private void scheduleFallback() {
        try {
            if (!executor.isShutdown()) {
                next = executor.schedule(this::runOnce, settings.maxRetry().toMillis(), TimeUnit.MILLISECONDS);
                nextDelay = settings.maxRetry();
            }
        } catch (Throwable t) {
            LOG.error("list refresh: no further attempt could be scheduled; list updates have STOPPED", t);
        }
    }

    private void activate(VerifiedList list) {
        engine.install(list);
        health.activated(list, null);
        LOG.info("the engine now uses the list from {} (timestamp {}, expires {})", list.source(),
                list.list().timestamp(), list.list().expires());
    }

    private boolean newerThanActive(VerifiedList candidate) {
        VerifiedList active = engine.activeList();
        return active == null || active.embeddedDefault()
                || candidate.signature().signatureTime().isAfter(active.signature().signatureTime())
                || candidate.list().timestamp().isAfter(active.list().timestamp());
    }

    private void schedule(Duration delay) {
        ScheduledFuture<?> previous = next;
        if (previous != null) {
            previous.cancel(false);
        }
        if (executor.isShutdown()) {
            return;
        }
        nextDelay = delay;
        next = executor.schedule(this::runOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("next list refresh in {}", org.starttls.policyd.core.HumanDuration.format(delay));
    }

    /** The delay most recently scheduled, for status output and tests. */
    public Duration nextDelay() {
        return nextDelay;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
