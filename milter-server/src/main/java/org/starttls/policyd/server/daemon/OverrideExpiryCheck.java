package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.server.config.OverrideWarnings;

/**
 * Tells the operator about expiring local overrides on a daemon that is never reloaded: once a
 * day, at the start of each UTC day (an override's {@code expires} is a UTC day), it warns about
 * those that stop applying within {@link OverrideWarnings#WARN_BEFORE} and says which stopped
 * applying today. It runs on the control plane's thread and reads the overrides in force then.
 */
final class OverrideExpiryCheck {
    /** What one daily check has to say. */
    interface Sink {
        void warn(String sentence);

        void info(String sentence);
    }

    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Supplier<Overrides> overrides;
    private final Sink sink;
    private ScheduledFuture<?> armed;
    /** The UTC day last checked, so a timer that runs early (a clock step) does not check a day twice. */
    private LocalDate lastChecked;

    OverrideExpiryCheck(ScheduledExecutorService executor, Clock clock, Supplier<Overrides> overrides, Sink sink) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.overrides = Objects.requireNonNull(overrides, "overrides");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Arms the first check for the next UTC midnight. Today is not checked: start and reload
     * already announce the overrides they read.
     */
    synchronized void start() {
        lastChecked = today();
        armNext();
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void armNext() {
        Instant now = clock.instant();
        Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long delay = Math.max(0, Duration.between(now, midnight).toMillis());
        try {
            armed = executor.schedule(this::run, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            armed = null; // the daemon is stopping
        }
    }

    private synchronized void run() {
        LocalDate today = today();
        if (lastChecked == null || today.isAfter(lastChecked)) {
            lastChecked = today;
            check(clock.instant(), today);
        }
        armNext();
    }

    private void check(Instant now, LocalDate today) {
        Overrides current = overrides.get();
        List<String> stopped = new ArrayList<>();
        for (LocalOverride past : current.expired(now)) {
            if (past.expires().equals(today.minusDays(1))) {
                stopped.add("the local override of " + past.name() + " (line " + past.line() + ", "
                        + past.policy().wireName() + ") expired on " + past.expires()
                        + " and no longer applies from today (" + past.name()
                        + " is decided as if it were not there); remove it from the overrides file");
            }
        }
        for (LocalOverride soon : current.expiringWithin(now, OverrideWarnings.WARN_BEFORE)) {
            sink.warn("the local override of " + soon.name() + " (line " + soon.line() + ", "
                    + soon.policy().wireName() + ") stops applying after " + soon.expires()
                    + "; renew its expires or remove it");
        }
        stopped.forEach(sink::info);
    }

    synchronized void stop() {
        if (armed != null) {
            armed.cancel(false);
            armed = null;
        }
    }
}
