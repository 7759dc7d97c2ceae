package org.starttls.policyd.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.EffFixture;

class EmbeddedDefaultTest {

    @Test
    void embeddedEffListVerifiesAgainstItsAuthorityKey() {
        VerifiedList list = EmbeddedDefault.load();

        assertTrue(list.embeddedDefault());
        assertEquals(EffFixture.DOMAINS, list.list().size());
        assertEquals("2C319DE47066C200DFDC4D6B842AEA40C5BCD6E1", list.signature().signingKeyFingerprint());
        assertEquals("B693F33372E965D76D55368616EEA65D03326C9D", list.signature().primaryKeyFingerprint());
        assertEquals("STARTTLS Everywhere Team <starttls-policy@eff.org>", list.signature().userId());
        Instant signed = list.signature().signatureTime();
        assertTrue(signed.isAfter(Instant.parse("2020-05-20T00:00:00Z"))
                && signed.isBefore(Instant.parse("2020-05-21T00:00:00Z")), signed.toString());
    }

    @Test
    void embeddedListIsExpiredTodayAndValidInsideItsWindow() {
        VerifiedList list = EmbeddedDefault.load();
        assertTrue(list.list().isExpiredAt(EffFixture.AFTER_EXPIRY));
        assertTrue(!list.list().isExpiredAt(EffFixture.IN_WINDOW));
    }
}
