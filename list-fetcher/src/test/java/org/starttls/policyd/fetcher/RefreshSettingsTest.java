package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RefreshSettingsTest {
    private static final RefreshSettings SETTINGS = new RefreshSettings(Duration.ofHours(6), 0.1,
            Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(1));

    /** Always draws the smallest or the largest value allowed, to pin both ends of the jitter. */
    private static RandomGenerator extreme(boolean largest) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded draws are expected");
            }

            @Override
            public long nextLong(long bound) {
                return largest ? bound - 1 : 0;
            }
        };
    }

    @Test
    void afterASuccessWaitsTheIntervalPlusAtMostTenPercent() {
        assertEquals(Duration.ofHours(6), SETTINGS.nextDelay(0, extreme(false)));
        assertEquals(Duration.ofHours(6).plusMinutes(36), SETTINGS.nextDelay(0, extreme(true)));
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCap() {
        RandomGenerator none = extreme(false);
        assertEquals(Duration.ofMinutes(1), SETTINGS.nextDelay(1, none));
        assertEquals(Duration.ofMinutes(2), SETTINGS.nextDelay(2, none));
        assertEquals(Duration.ofMinutes(4), SETTINGS.nextDelay(3, none));
        assertEquals(Duration.ofMinutes(32), SETTINGS.nextDelay(6, none));
        assertEquals(Duration.ofHours(1), SETTINGS.nextDelay(7, none));
        assertEquals(Duration.ofHours(1), SETTINGS.nextDelay(1_000, none));
        assertEquals(Duration.ofHours(1), SETTINGS.nextDelay(Integer.MAX_VALUE, none));
    }

    @Test
    void backOffIsJitteredToo() {
        assertEquals(Duration.ofMinutes(4).plusSeconds(24), SETTINGS.nextDelay(3, extreme(true)));
    }

    @Test
    void randomDelaysStayInTheirRange() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1_000; i++) {
            Duration delay = SETTINGS.nextDelay(0, random);
            assertTrue(delay.compareTo(Duration.ofHours(6)) >= 0 && delay.compareTo(Duration.ofMinutes(396)) <= 0,
                    delay.toString());
            Duration first = SETTINGS.firstDelay(random);
            assertTrue(!first.isNegative() && first.compareTo(Duration.ofMinutes(1)) <= 0, first.toString());
        }
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThrows(IllegalArgumentException.class, () -> new RefreshSettings(Duration.ZERO, 0.1,
                Duration.ofMinutes(1), Duration.ofHours(1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RefreshSettings(Duration.ofHours(1), 1.5,
                Duration.ofMinutes(1), Duration.ofHours(1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RefreshSettings(Duration.ofHours(1), 0.1,
                Duration.ofHours(2), Duration.ofHours(1), Duration.ZERO));
    }
}
