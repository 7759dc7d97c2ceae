package org.starttls.policyd.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.testing.MutableClock;

class OverridesTest {
    private static final Instant JAN_30 = Instant.parse("2027-01-30T12:00:00Z");

    private static LocalOverride none(String name, String expires) {
        return new LocalOverride(name, OverridePolicy.NONE, List.of(), "test " + name,
                expires == null ? null : LocalDate.parse(expires), 1);
    }

    private static LocalOverride secure(String name, String... match) {
        return new LocalOverride(name, OverridePolicy.SECURE, List.of(match).stream().map(MxPattern::of).toList(),
                "pinned", null, 2);
    }

    @Test
    void aParentCoversItsSubdomainsAtAnyDepthButNotItself() {
        Overrides overrides = new Overrides(List.of(none(".example.org", null)));

        assertEquals(".example.org", overrides.find("a.example.org", JAN_30).name());
        assertEquals(".example.org", overrides.find("a.b.example.org", JAN_30).name());
        assertNull(overrides.find("example.org", JAN_30), "the parent itself only when listed exact");
        assertNull(overrides.find("badexample.org", JAN_30), "a label boundary, not a suffix");
    }

    @Test
    void exactBeatsParentAndTheNearestParentWins() {
        Overrides overrides = new Overrides(List.of(none(".example.org", null), secure("example.org", "mx.example.org"),
                secure(".mail.example.org", ".mail.example.org"), none("x.mail.example.org", null)));

        assertEquals("example.org", overrides.find("example.org", JAN_30).name());
        assertEquals(".mail.example.org", overrides.find("a.b.mail.example.org", JAN_30).name());
        assertEquals("x.mail.example.org", overrides.find("x.mail.example.org", JAN_30).name());
        assertEquals(".example.org", overrides.find("other.example.org", JAN_30).name());
    }

    @Test
    void anOverrideAppliesThroughItsExpiresDayInUtcAndThenNoMore() {
        MutableClock clock = new MutableClock(JAN_30);
        Overrides overrides = new Overrides(List.of(none("partner.example", "2027-01-31"), secure(".partner.example",
                "mx.partner.example")));

        assertEquals(OverridePolicy.NONE, overrides.find("partner.example", clock.instant()).policy());
        clock.advance(Duration.ofHours(35).plusMinutes(59)); // 2027-01-31T23:59Z
        assertEquals(OverridePolicy.NONE, overrides.find("partner.example", clock.instant()).policy());
        clock.advance(Duration.ofMinutes(1));
        assertNull(overrides.find("partner.example", clock.instant()), "expired: as if it were not there");
        assertEquals(".partner.example", overrides.find("a.partner.example", clock.instant()).name(),
                "an expired exact entry does not hide others");
        assertEquals(List.of("partner.example"), overrides.expired(clock.instant()).stream()
                .map(LocalOverride::name).toList());
    }

    @Test
    void expiringWithinCountsOnlyThoseStillApplying() {
        Overrides overrides = new Overrides(List.of(none("soon.example", "2027-02-03"), none("later.example", "2027-03-01"),
                none("past.example", "2027-01-01"), none("forever.example", null)));

        assertEquals(List.of("soon.example"), overrides.expiringWithin(JAN_30, Duration.ofDays(7)).stream()
                .map(LocalOverride::name).toList());
    }

    @Test
    void theDecisionIsTheOverridesVerdictFromTheOverrideSource() {
        Overrides overrides = new Overrides(List.of(secure("partner.example", "mx1.partner.example"),
                new LocalOverride("dane.example", OverridePolicy.DANE_ONLY, List.of(), "x", null, 3),
                new LocalOverride("plain.example", OverridePolicy.ENCRYPT, List.of(), "x", null, 4)));

        Decision decision = overrides.decide("Partner.Example.", JAN_30);
        assertEquals(Verdict.REQUIRE_TLS, decision.verdict());
        assertEquals(DecisionSource.OVERRIDE, decision.source());
        assertEquals("partner.example", decision.domain());
        assertEquals("override-secure", decision.decidingMode());
        assertTrue(decision.reason().contains("pinned"), decision.reason());
        assertEquals(Verdict.DANE_ONLY, overrides.decide("dane.example", JAN_30).verdict());
        assertEquals(Verdict.ENCRYPT, overrides.decide("plain.example", JAN_30).verdict());
        assertNull(overrides.decide("other.example", JAN_30));
        assertNull(overrides.decide("not a domain", JAN_30), "the sources decide what is not a domain");
        assertNull(Overrides.NONE.decide("partner.example", JAN_30));
    }

    @Test
    void weakerThanWhatTheSourcesSay() {
        assertTrue(OverridePolicy.NONE.weakerThan(Verdict.REQUIRE_TLS));
        assertTrue(OverridePolicy.NONE.weakerThan(Verdict.DANE));
        assertFalse(OverridePolicy.NONE.weakerThan(Verdict.NO_POLICY));
        assertFalse(OverridePolicy.NONE.weakerThan(Verdict.TEMPFAIL), "a tempfail says nothing about the domain");
        assertTrue(OverridePolicy.ENCRYPT.weakerThan(Verdict.REQUIRE_TLS));
        assertTrue(OverridePolicy.DANE.weakerThan(Verdict.DANE_ONLY));
        assertFalse(OverridePolicy.DANE.weakerThan(Verdict.DANE));
        assertTrue(OverridePolicy.SECURE.weakerThan(Verdict.DANE_ONLY), "RFC 8461 §2: never replace DANE");
        assertFalse(OverridePolicy.SECURE.weakerThan(Verdict.REQUIRE_TLS));
        assertFalse(OverridePolicy.DANE_ONLY.weakerThan(Verdict.REQUIRE_TLS));
    }

    @Test
    void aDecisionCannotMixAnOverrideWithAnotherSource() {
        LocalOverride override = none("x.example", null);
        assertThrows(IllegalArgumentException.class, () -> new Decision(Verdict.NO_POLICY, "x.example", null, "r",
                DecisionSource.LIST, null, override));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Verdict.REQUIRE_TLS, "x.example", null, "r",
                DecisionSource.OVERRIDE, null, override), "a none override cannot require TLS");
        assertThrows(IllegalArgumentException.class, () -> new Decision(Verdict.ENCRYPT, "x.example", null, "r",
                DecisionSource.NONE, null));
        assertThrows(IllegalArgumentException.class, () -> new LocalOverride("x.example", OverridePolicy.SECURE, List.of(),
                "r", null, 1), "secure needs match");
        assertThrows(IllegalArgumentException.class, () -> new Overrides(List.of(override, none("x.example", null))));
    }

    @Test
    void aSecureOverrideDefersUnderADowngradeAndKeepsItsOverride() {
        Decision decision = Decision.override("p.example", secure("p.example", "mx.p.example"));
        Decision deferred = decision.underDowngrade("stripped");
        assertEquals(Verdict.DEFER_DOWNGRADE, deferred.verdict());
        assertEquals(DecisionSource.OVERRIDE, deferred.source());
        assertEquals("mx.p.example", decision.override().asTlsPolicy().mxs().get(0).asString());
    }
}
