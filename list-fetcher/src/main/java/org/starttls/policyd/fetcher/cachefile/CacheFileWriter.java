package org.starttls.policyd.fetcher.cachefile;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a cache file a while after a change, on a thread of its own: requests never wait for
 * the disk, and a burst of changes costs one write. {@link #close()} writes what is pending.
 *
 * @param <E> one cached entry
 */
public final class CacheFileWriter<E> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheFileWriter.class);

    private final JsonCacheFile<E> file;
    private final Supplier<? extends Collection<E>> snapshot;
    private final Duration delay;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Object writing = new Object();
    private volatile boolean closed;
    /** Whether the last write failed, so an unwritable directory logs once, not every few seconds. */
    private boolean failing;

    /** Writes on a daemon thread of its own, named {@code threadName}, stopped by {@link #close()}. */
    public static <E> CacheFileWriter<E> onOwnThread(JsonCacheFile<E> file, Supplier<? extends Collection<E>> snapshot,
            Duration delay, String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return new CacheFileWriter<>(file, snapshot, delay, executor, true);
    }

    /**
     * @param executor runs the delayed writes; shut down by {@link #close()} only if
     *     {@code ownsExecutor}
     */
    public CacheFileWriter(JsonCacheFile<E> file, Supplier<? extends Collection<E>> snapshot, Duration delay,
            ScheduledExecutorService executor, boolean ownsExecutor) {
        this.file = Objects.requireNonNull(file, "file");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.delay = Objects.requireNonNull(delay, "delay");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ownsExecutor = ownsExecutor;
    }

    /** The cached entries changed: write them within the delay (once, however many changes come). */
    public void changed() {
        if (closed || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(this::writeIfPending, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: close() writes what is pending.
        }
    }

    /** Writes now if a change is waiting; on the writer's thread, or at close. */
    public void writeIfPending() {
        synchronized (writing) {
            if (!pending.compareAndSet(true, false)) {
                return;
            }
            try {
                file.write(snapshot.get());
                if (failing) {
                    LOG.info("{} {} written again", file.description(), file.path());
                    failing = false;
                }
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    LOG.warn("cannot write the {} {} ({}); entries stay cached in memory", file.description(),
                            file.path(), e.toString());
                    failing = true;
                }
            }
        }
    }

    /** Stops the thread and writes what is pending, on the caller's thread. */
    @Override
    public void close() {
        closed = true;
        if (ownsExecutor) {
            // No interrupt: a write in progress finishes (an interrupted FileChannel would lose it).
            executor.shutdown();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeIfPending();
    }
}
