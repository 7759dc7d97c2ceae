package org.starttls.policyd.fetcher;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to refresh: every {@code interval} plus a random share of it (so many servers do not all
 * ask at once), and after a failure sooner, backing off exponentially from {@code firstRetry} up
 * to {@code maxRetry}.
 *
 * @param interval time between successful refreshes
 * @param jitter the largest fraction of a delay added at random (0 to 1)
 * @param firstRetry the delay after the first failure
 * @param maxRetry the longest delay between failed attempts
 * @param startupDelay the longest random delay before the first attempt after start
 */
public record RefreshSettings(Duration interval, double jitter, Duration firstRetry, Duration maxRetry,
        Duration startupDelay) {
    public static final RefreshSettings DEFAULTS = new RefreshSettings(Duration.ofHours(6), 0.1,
            Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofMinutes(1));

    public RefreshSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(firstRetry, "firstRetry");
        Objects.requireNonNull(maxRetry, "maxRetry");
        Objects.requireNonNull(startupDelay, "startupDelay");
        if (interval.isNegative() || interval.isZero() || firstRetry.isNegative() || firstRetry.isZero()) {
            throw new IllegalArgumentException("interval and firstRetry must be positive");
        }
        if (maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("maxRetry must be at least firstRetry");
        }
        if (startupDelay.isNegative()) {
            throw new IllegalArgumentException("startupDelay must not be negative");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
    }

    /** The delay before the next attempt, given how many attempts in a row have failed (0 after a success). */
    public Duration nextDelay(int consecutiveFailures, RandomGenerator random) {
        Duration base = consecutiveFailures == 0 ? interval : backoff(consecutiveFailures);
        return base.plus(randomShare(base, jitter, random));
    }

    /** The delay before the first attempt: random, up to {@code startupDelay}. */
    public Duration firstDelay(RandomGenerator random) {
        return randomShare(startupDelay, 1.0, random);
    }

    private Duration backoff(int failures) {
        // firstRetry * 2^(failures-1), computed without overflow: cap the exponent before shifting.
        int exponent = Math.min(failures - 1, 40);
        long millis = firstRetry.toMillis();
        long scaled = exponent >= Long.numberOfLeadingZeros(millis) - 1 ? Long.MAX_VALUE : millis << exponent;
        return scaled >= maxRetry.toMillis() ? maxRetry : Duration.ofMillis(scaled);
    }

    private static Duration randomShare(Duration base, double fraction, RandomGenerator random) {
        long bound = (long) (base.toMillis() * fraction);
        return bound <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(bound + 1));
    }
}
