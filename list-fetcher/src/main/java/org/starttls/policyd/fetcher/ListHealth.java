package org.starttls.policyd.fetcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.HumanDuration;
import org.starttls.policyd.core.VerifiedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks the active list and the update attempts, and says what an operator should worry about:
 * a list older than {@link HealthThresholds#maxAge()}, close to or past its expiry, the embedded
 * default still in use, or updates failing again and again. Safe to read from any thread.
 */
public final class ListHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ListHealth.class);

    /** Everything recorded so far, replaced as a whole so readers see a consistent snapshot. */
    private record Recorded(VerifiedList active, String notice, Instant lastAttempt, String lastResult,
            Instant lastSuccess, int consecutiveFailures, String lastFailure) {
    }

    /** The warning while no list has verified: the doors then answer every lookup with a tempfail. */
    public static final String NO_LIST = "no verified list is active: every lookup answers TEMP (mail is deferred)";
    /** How the warning for an expired active list begins. */
    public static final String EXPIRED_PREFIX = "the active list EXPIRED at ";

    private final Clock clock;
    private final HealthThresholds thresholds;
    private volatile Recorded recorded = new Recorded(null, null, null, null, null, 0, null);
    /** Refused attempts since this tracker was made, for a monotonic metrics counter. */
    private final AtomicLong totalFailures = new AtomicLong();

    public ListHealth(Clock clock, HealthThresholds thresholds) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    /**
     * Records the list the engine now uses. {@code notice} is a standing warning about how it was
     * chosen (say, the installed pair did not verify), or null.
     */
    public synchronized void activated(VerifiedList list, String notice) {
        Recorded r = recorded;
        recorded = new Recorded(Objects.requireNonNull(list, "list"), notice, r.lastAttempt, r.lastResult,
                r.lastSuccess, r.consecutiveFailures, r.lastFailure);
    }

    /** Records that no list is active (none verified yet), with a standing warning saying why. */
    public synchronized void noList(String notice) {
        Recorded r = recorded;
        recorded = new Recorded(null, Objects.requireNonNull(notice, "notice"), r.lastAttempt, r.lastResult,
                r.lastSuccess, r.consecutiveFailures, r.lastFailure);
    }

    /** Records an update attempt that just ended, and logs every warning that now stands. */
    public void recordAttempt(UpdateResult result) {
        Instant now = clock.instant();
        synchronized (this) {
            Recorded r = recorded;
            boolean ok = result.succeeded();
            if (!ok) {
                totalFailures.incrementAndGet();
            }
            recorded = new Recorded(r.active, r.notice, now, result.describe(), ok ? now : r.lastSuccess,
                    ok ? 0 : r.consecutiveFailures + 1, ok ? null : result.describe());
        }
        for (String warning : status().warnings()) {
            LOG.warn("list health: {}", warning);
        }
    }

    /** Update attempts refused since this tracker was made (never decreases). */
    public long totalFailures() {
        return totalFailures.get();
    }

    public ListStatus status() {
        Recorded r = recorded;
        Instant now = clock.instant();
        List<String> warnings = new ArrayList<>();
        if (r.notice != null) {
            warnings.add(r.notice);
        }
        VerifiedList active = r.active;
        if (active == null) {
            warnings.add(NO_LIST);
        } else {
            addListWarnings(active, now, warnings);
        }
        if (r.consecutiveFailures >= thresholds.failuresBeforeWarning()) {
            warnings.add("the last " + r.consecutiveFailures + " update attempts failed; the last one: " + r.lastFailure);
        }
        return new ListStatus(active == null ? null : active.source(), active != null && active.embeddedDefault(),
                active == null ? null : active.list().timestamp(), active == null ? null : active.list().expires(),
                active != null && active.list().isExpiredAt(now), r.lastAttempt, r.lastResult, r.lastSuccess,
                r.consecutiveFailures, warnings);
    }

    private void addListWarnings(VerifiedList active, Instant now, List<String> warnings) {
        Instant expires = active.list().expires();
        if (active.embeddedDefault()) {
            warnings.add(EmbeddedDefault.WARNING);
        }
        if (active.list().isExpiredAt(now)) {
            warnings.add(EXPIRED_PREFIX + expires + " (" + days(Duration.between(expires, now))
                    + " ago); see the expired-list setting for what it still enforces");
        } else if (Duration.between(now, expires).compareTo(thresholds.expiryWarning()) <= 0) {
            warnings.add("the active list expires at " + expires + ", in " + days(Duration.between(now, expires)));
        }
        Duration age = Duration.between(active.list().timestamp(), now);
        if (age.compareTo(thresholds.maxAge()) > 0) {
            warnings.add("the active list is " + days(age) + " old (timestamp " + active.list().timestamp()
                    + "), over the threshold of " + days(thresholds.maxAge()));
        }
    }

    /** Whole days from two days on, else hours and minutes (or minutes and seconds): never "0 hours". */
    private static String days(Duration duration) {
        long hours = duration.toHours();
        return hours >= 48 ? hours / 24 + " days" : HumanDuration.format(duration);
    }
}
