package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StsSettingsTest {
    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertEquals(Duration.ofSeconds(300), StsSettings.DEFAULTS.txtRecheck());
        assertEquals(Duration.ofMinutes(5), StsSettings.DEFAULTS.failureRetry());
        assertEquals(20_000, StsSettings.DEFAULTS.maxEntries());
        assertEquals(Duration.ofDays(1), StsSettings.DEFAULTS.refreshWindow());
        assertEquals(Duration.ofSeconds(30), StsSettings.DEFAULTS.writeDelay());
    }

    @Test
    void anyRecheckIntervalFromOneSecondIsAccepted() {
        assertEquals(Duration.ofSeconds(1), StsSettings.DEFAULTS.withTxtRecheck(Duration.ofSeconds(1)).txtRecheck());
        assertThrows(IllegalArgumentException.class,
                () -> StsSettings.DEFAULTS.withTxtRecheck(Duration.ofMillis(999)));
        assertThrows(IllegalArgumentException.class, () -> StsSettings.DEFAULTS.withMaxEntries(0));
        assertThrows(IllegalArgumentException.class, () -> StsSettings.DEFAULTS.withFailureRetry(Duration.ZERO));
    }

    @Test
    void theRefreshLeadIsTheShorterOfTheWindowAndTheShareOfMaxAge() {
        assertEquals(Duration.ofDays(1), StsSettings.DEFAULTS.refreshLead(Duration.ofDays(7)));
        assertEquals(Duration.ofHours(6), StsSettings.DEFAULTS.refreshLead(Duration.ofDays(1)));
        assertEquals(Duration.ZERO, StsSettings.DEFAULTS.refreshLead(Duration.ZERO));
    }
}
