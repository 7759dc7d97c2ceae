package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EnforcementTest {

    @Test
    void withoutMtaStsAnEmptyListIsNothing() {
        assertEquals("enforcing NOTHING (the list has no domains)", new Enforcement(0, "the list has no domains").describe());
        assertEquals("enforcing: 1 domain", new Enforcement(1, null).describe());
    }

    @Test
    void withMtaStsTheSentenceNamesItAndWhatTheListAdds() {
        assertEquals("enforcing: MTA-STS wherever a domain publishes it; the list adds nothing (the list has no domains)",
                new Enforcement(0, "the list has no domains", true).describe());
        assertEquals("enforcing: MTA-STS wherever a domain publishes it, and 42 domains from the list",
                new Enforcement(42, null, true).describe());
    }

    @Test
    void withNoListAtAllMtaStsIsNotClaimed() {
        // Without a verified list every lookup may be TEMP: the sentence must not sound reassuring.
        assertEquals(false, Enforcement.of(null, org.starttls.policyd.core.engine.EngineSettings.DEFAULTS,
                java.time.Instant.EPOCH, true).mtaSts());
    }
}
