package org.starttls.policyd.fetcher;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link ListHealth} starts warning.
 *
 * @param maxAge warn when the active list's own timestamp is older than this
 * @param expiryWarning warn when the active list expires within this
 * @param failuresBeforeWarning warn when this many update attempts in a row failed
 */
public record HealthThresholds(Duration maxAge, Duration expiryWarning, int failuresBeforeWarning) {
    /** EFF lists were valid for two weeks: warn at half of that, three days before the end, after three failures. */
    public static final HealthThresholds DEFAULTS = new HealthThresholds(Duration.ofDays(7), Duration.ofDays(3), 3);

    public HealthThresholds {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(expiryWarning, "expiryWarning");
        if (maxAge.isNegative() || expiryWarning.isNegative() || failuresBeforeWarning < 1) {
            throw new IllegalArgumentException("thresholds must be positive");
        }
    }
}
