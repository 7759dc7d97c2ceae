package org.starttls.policyd.server.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.fetcher.sts.CachedStsPolicy;
import org.starttls.policyd.fetcher.sts.StsLookup;
import org.starttls.policyd.fetcher.sts.StsResolution;
import org.starttls.policyd.server.testing.ControlledDaneLookup;
import org.starttls.policyd.server.testing.ControlledStsLookup;
import org.starttls.policyd.server.testing.TestLists;

/**
 * Receipt-time decisions from what DANE and MTA-STS know now, against the EFF fixture list
 * ({@code gmail.com} is listed in enforce mode): cached answers decide in the engine's order, an
 * answer still being looked up leaves the list to decide (and the lookup is started), and nothing
 * makes receipt defer where the list alone would not.
 */
class KnownSourcesTest {
    private static final Instant FETCHED = Instant.parse("2020-05-25T00:00:00Z");
    private final PolicyEngine engine = TestLists.effEngine();
    private final ControlledStsLookup sts = new ControlledStsLookup();
    private final ControlledDaneLookup dane = new ControlledDaneLookup();
    private final KnownSources sources = new KnownSources(engine, sts, dane);

    @Test
    void aCachedMtaStsEnforcePolicyProtectsAnUnlistedDomain() {
        sts.answer("sts.example", ControlledStsLookup.known("sts.example", "enforce", FETCHED));
        dane.answer("sts.example", DaneVerdict.Kind.NO_DANE);

        Decision decision = sources.decideAtReceipt("STS.example.");

        assertEquals(Verdict.REQUIRE_TLS, decision.verdict());
        assertEquals(DecisionSource.MTA_STS, decision.source());
        assertEquals("enforce", decision.decidingMode());
    }

    @Test
    void aCachedTestingPolicyIsNotProtected() {
        sts.answer("testing.example", ControlledStsLookup.known("testing.example", "testing", FETCHED));

        Decision decision = sources.decideAtReceipt("testing.example");

        assertEquals(Verdict.NO_POLICY, decision.verdict());
        assertEquals(DecisionSource.MTA_STS, decision.source());
    }

    @Test
    void aCachedDaneAnswerDecidesBeforeMtaSts() {
        sts.answer("both.example", ControlledStsLookup.known("both.example", "enforce", FETCHED));
        dane.answer("both.example", DaneVerdict.Kind.DANE_ONLY);

        Decision decision = sources.decideAtReceipt("both.example");

        assertEquals(Verdict.DANE_ONLY, decision.verdict());
        assertEquals("dane-only", decision.decidingMode());
    }

    @Test
    void lookupsStillRunningLeaveTheListToDecideWithoutWaitingAndAreStarted() {
        sts.pending("promised.example").seeRecord();
        dane.pending("promised.example");

        Decision unlisted = sources.decideAtReceipt("promised.example");
        Decision listed = sources.decideAtReceipt("gmail.com");

        assertEquals(Verdict.NO_POLICY, unlisted.verdict(), "never a tempfail at receipt for a policy in flight");
        assertEquals(DecisionSource.NONE, unlisted.source());
        assertEquals(Verdict.REQUIRE_TLS, listed.verdict());
        assertEquals(DecisionSource.LIST, listed.source());
        assertEquals(2, sts.asked(), "each miss starts (or joins) the resolution, so the next message knows");
        assertEquals(2, dane.asked());
    }

    @Test
    void aDaneTempIsNotADeferralAtReceipt() {
        dane.answer("gmail.com", DaneVerdict.Kind.TEMP);
        dane.answer("bogus.example", DaneVerdict.Kind.TEMP);

        assertEquals(Verdict.REQUIRE_TLS, sources.decideAtReceipt("gmail.com").verdict());
        assertEquals(Verdict.NO_POLICY, sources.decideAtReceipt("bogus.example").verdict());
    }

    @Test
    void anErrorInAskingTheCachesIsTheListsDecision() {
        StsLookup broken = new StsLookup() {
            @Override
            public StsResolution resolve(String domain) {
                throw new IllegalStateException("cache broke");
            }

            @Override
            public Optional<CachedStsPolicy> cached(String domain) {
                throw new IllegalStateException("cache broke");
            }
        };
        KnownSources failing = new KnownSources(engine, broken, dane);

        assertEquals(engine.decide("gmail.com"), failing.decideAtReceipt("gmail.com"));
        assertEquals(engine.decide("unlisted.example"), failing.decideAtReceipt("unlisted.example"));
    }

    @Test
    void withBothSourcesOffItIsTheListAlone() {
        KnownSources listOnly = new KnownSources(engine, null, null);

        assertEquals(engine.decide("gmail.com"), listOnly.decideAtReceipt("gmail.com"));
        assertEquals(engine.decide("not a domain"), listOnly.decideAtReceipt("not a domain"));
    }
}
