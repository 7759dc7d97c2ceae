package org.starttls.policyd.fetcher.sts;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link StsResolver} caches and refreshes; defaults in {@link #DEFAULTS}, one place.
 *
 * @param txtRecheck how old a cached policy's TXT check may be before a use re-checks the
 *     {@code id} in the background ({@code mta-sts.txt-recheck-seconds}); also how long a domain
 *     whose DNS answered "no record" is taken at its word before it is asked again
 * @param failureRetry how long after a failed TXT lookup or policy fetch a domain is left alone
 *     (RFC 8461 section 3.3: at least 5 minutes)
 * @param maxEntries how many domains the cache holds (policies; failures and "no record" answers
 *     are kept in a second cache of the same size); the least used go first
 * @param refreshWindow the most time before a policy's expiry that a proactive refresh may start
 * @param refreshFraction the share of {@code max_age} before expiry that a proactive refresh may
 *     start, when that is shorter than {@code refreshWindow}
 * @param writeDelay how long after a change the cache file is rewritten (changes in between are
 *     written together)
 * @param maxFileBytes the largest cache file read or written
 */
public record StsSettings(Duration txtRecheck, Duration failureRetry, int maxEntries, Duration refreshWindow,
        double refreshFraction, Duration writeDelay, long maxFileBytes) {

    public static final StsSettings DEFAULTS = new StsSettings(Duration.ofSeconds(300), Duration.ofMinutes(5),
            20_000, Duration.ofDays(1), 0.25, Duration.ofSeconds(30), 32L * 1024 * 1024);

    public StsSettings {
        atLeastOneSecond(txtRecheck, "txtRecheck");
        atLeastOneSecond(failureRetry, "failureRetry");
        atLeastOneSecond(refreshWindow, "refreshWindow");
        Objects.requireNonNull(writeDelay, "writeDelay");
        if (writeDelay.isNegative()) {
            throw new IllegalArgumentException("writeDelay must not be negative, not " + writeDelay);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, not " + maxEntries);
        }
        if (!(refreshFraction > 0 && refreshFraction < 1)) {
            throw new IllegalArgumentException("refreshFraction must be between 0 and 1, not " + refreshFraction);
        }
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1024, not " + maxFileBytes);
        }
    }

    private static void atLeastOneSecond(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 second, not " + value);
        }
    }

    public StsSettings withTxtRecheck(Duration value) {
        return new StsSettings(value, failureRetry, maxEntries, refreshWindow, refreshFraction, writeDelay,
                maxFileBytes);
    }

    public StsSettings withFailureRetry(Duration value) {
        return new StsSettings(txtRecheck, value, maxEntries, refreshWindow, refreshFraction, writeDelay,
                maxFileBytes);
    }

    public StsSettings withMaxEntries(int value) {
        return new StsSettings(txtRecheck, failureRetry, value, refreshWindow, refreshFraction, writeDelay,
                maxFileBytes);
    }

    public StsSettings withWriteDelay(Duration value) {
        return new StsSettings(txtRecheck, failureRetry, maxEntries, refreshWindow, refreshFraction, value,
                maxFileBytes);
    }

    public StsSettings withMaxFileBytes(long value) {
        return new StsSettings(txtRecheck, failureRetry, maxEntries, refreshWindow, refreshFraction, writeDelay,
                value);
    }

    /**
     * How long before expiry a policy of {@code maxAge} becomes due for a proactive refresh: the
     * shorter of {@code refreshWindow} and {@code refreshFraction} of {@code maxAge}.
     */
    Duration refreshLead(Duration maxAge) {
        Duration share = Duration.ofMillis((long) (maxAge.toMillis() * refreshFraction));
        return share.compareTo(refreshWindow) < 0 ? share : refreshWindow;
    }
}
