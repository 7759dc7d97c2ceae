package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.sts.StsWaiter;
import org.starttls.policyd.server.testing.ControlledDaneLookup;
import org.starttls.policyd.server.testing.ControlledStsLookup;
import org.starttls.policyd.server.testing.TestLists;

/**
 * What DANE costs the socketmap door when it does not decide: with DANE not applying (a resolver
 * that answers without validating) the door does not ask it at all, and a cached "no DANE" adds
 * nothing to the decision; the answers are byte for byte those of maps without DANE, and only
 * {@link SocketmapMaps#decideFromSources} ({@code policyctl lookup}) says why DANE did not decide.
 * gmail.com is listed; example.org publishes MTA-STS; unlisted.example has nothing.
 */
class SocketmapMapsDaneCostTest {
    private static final Instant NOW = Instant.parse("2020-05-25T12:00:00Z");
    private static final List<String> DOMAINS = List.of("gmail.com", "example.org", "unlisted.example");

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualScheduler timers = new ManualScheduler(clock);
    private final ControlledStsLookup sts = new ControlledStsLookup();
    private final ControlledDaneLookup dane = new ControlledDaneLookup();
    private final SocketmapMaps withDane = new SocketmapMaps(TestLists.effEngine(), SocketmapMapSettings.DEFAULTS,
            Map.of(), new StsWaiter(sts, timers), new DaneWaiter(dane, timers));
    private final SocketmapMaps withoutDane = new SocketmapMaps(TestLists.effEngine(), SocketmapMapSettings.DEFAULTS,
            Map.of(), new StsWaiter(sts, timers));

    SocketmapMapsDaneCostTest() {
        sts.answer("example.org", ControlledStsLookup.known("example.org", "enforce", NOW));
        sts.answer("gmail.com", new StsOutcome.NoPolicy(StsRecordRefusal.NO_RECORD, "no TXT record"));
        sts.answer("unlisted.example", new StsOutcome.NoPolicy(StsRecordRefusal.NO_RECORD, "no TXT record"));
    }

    private static Decision now(SocketmapMaps maps, String domain, boolean explained) {
        var decision = (explained ? maps.decideFromSources("any", domain) : maps.decideWithSts("any", domain))
                .toCompletableFuture();
        assertNotNull(decision.getNow(null), "expected a decision at once for " + domain);
        return decision.join();
    }

    private static String wire(SocketmapMaps maps, String domain) {
        SocketmapReply reply = new SocketmapResponder(maps).answer("any", domain).immediate();
        assertNotNull(reply, "expected an immediate answer for " + domain);
        return reply.wireText();
    }

    @Test
    void daneNotApplyingIsNotAskedByTheDoorWhichAnswersAsWithoutDane() {
        dane.notApplying();
        for (String domain : DOMAINS) {
            assertEquals(wire(withoutDane, domain), wire(withDane, domain), domain);
            assertEquals(now(withoutDane, domain, false), now(withDane, domain, false), domain);
        }
        assertEquals(0, dane.asked(), "the door asked DANE although it does not apply");
    }

    @Test
    void policyctlLookupStillSaysWhyDaneDidNotDecideWhenItDoesNotApply() {
        dane.notApplying();
        for (String domain : DOMAINS) {
            dane.answer(domain, DaneVerdict.Kind.NO_DANE);
            Decision door = now(withDane, domain, false);
            Decision explained = now(withDane, domain, true);

            assertEquals(door.reason() + "; DANE: the test says NO_DANE", explained.reason(), domain);
            assertEquals(door.verdict(), explained.verdict());
            assertEquals(door.source(), explained.source());
        }
        assertEquals(DOMAINS.size(), dane.asked(), "lookup asks DANE for its reason");
    }

    @Test
    void aCachedNoDaneAddsNothingToTheDoorsDecision() {
        for (String domain : DOMAINS) {
            dane.answer(domain, DaneVerdict.Kind.NO_DANE);

            assertEquals(wire(withoutDane, domain), wire(withDane, domain), domain);
            assertEquals(now(withoutDane, domain, false), now(withDane, domain, false), domain);
            assertEquals(now(withoutDane, domain, false).reason() + "; DANE: the test says NO_DANE",
                    now(withDane, domain, true).reason(), domain);
        }
    }

    @Test
    void aVerdictKnownNowDecidesWithoutAFuture() {
        dane.knownNow("gmail.com", DaneVerdict.Kind.NO_DANE).knownNow("example.org", DaneVerdict.Kind.DANE_ONLY);

        assertEquals(wire(withoutDane, "gmail.com"), wire(withDane, "gmail.com"));
        assertEquals(now(withoutDane, "gmail.com", false), now(withDane, "gmail.com", false));
        assertEquals(now(withoutDane, "gmail.com", false).reason() + "; DANE: the test says NO_DANE",
                now(withDane, "gmail.com", true).reason());
        assertEquals("OK dane-only", wire(withDane, "example.org"));
        assertEquals(0, dane.asked(), "a verdict known now was asked for again");
    }

    @Test
    void daneStillDecidesWhenItApplies() {
        dane.answer("gmail.com", DaneVerdict.Kind.DANE_ONLY).answer("example.org", DaneVerdict.Kind.TEMP);

        assertEquals("OK dane-only", wire(withDane, "gmail.com"));
        assertTrue(wire(withDane, "example.org").startsWith("TEMP "), "a DANE TEMP decides over MTA-STS");
    }
}
