package org.starttls.policyd.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.testing.EffFixture;
import org.starttls.policyd.core.testing.MutableClock;

class PolicyEngineTest {

    private static VerifiedList effList() throws Exception {
        SignatureInfo signer = new SignatureInfo("2C319DE47066C200DFDC4D6B842AEA40C5BCD6E1",
                "B693F33372E965D76D55368616EEA65D03326C9D", "test", Instant.parse("2020-05-20T17:25:13Z"));
        return new VerifiedList(PreloadListParser.parse(EffFixture.listBytes()), signer, "test", false);
    }

    private static PolicyEngine engine(Clock clock, EngineSettings settings) throws Exception {
        return new PolicyEngine(clock, settings, effList());
    }

    @Test
    void enforceDomainRequiresTlsWithItsPatterns() throws Exception {
        Decision decision = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS).decide("GMAIL.com.");

        assertEquals(Verdict.REQUIRE_TLS, decision.verdict());
        assertEquals("gmail.com", decision.domain());
        assertEquals(PolicyMode.ENFORCE, decision.mode());
        assertEquals(".gmail-smtp-in.l.google.com", decision.policy().mxs().get(1).asString());
    }

    @Test
    void testingDomainGetsNoPolicyByDefaultButIsReportedAsListed() throws Exception {
        Decision decision = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS).decide("yahoo.com");

        assertEquals(Verdict.NO_POLICY, decision.verdict());
        assertTrue(decision.listed());
        assertEquals(PolicyMode.TESTING, decision.mode());
    }

    @Test
    void earlyAdopterSettingEnforcesTestingDomains() throws Exception {
        EngineSettings settings = EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE);
        assertEquals(Verdict.REQUIRE_TLS, engine(EffFixture.CLOCK_IN_WINDOW, settings).decide("yahoo.com").verdict());
    }

    @Test
    void lookupIsExact() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        Decision decision = engine.decide("lists.eff.org");
        assertEquals(Verdict.NO_POLICY, decision.verdict());
        assertFalse(decision.listed());
        assertNull(decision.policy());
    }

    @Test
    void notADomainIsNotListed() throws Exception {
        Decision decision = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS).decide("[192.0.2.1]");
        assertEquals(Verdict.NO_POLICY, decision.verdict());
    }

    @Test
    void expiredListEnforcesNothingByDefault() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_AFTER_EXPIRY, EngineSettings.DEFAULTS);
        Decision decision = engine.decide("gmail.com");

        assertTrue(engine.isExpired());
        assertEquals(Verdict.NO_POLICY, decision.verdict());
        assertTrue(decision.listed());
        assertTrue(decision.reason().contains("expired"), decision.reason());
    }

    @Test
    void expiredListCanKeepEnforcingOrTempfail() throws Exception {
        EngineSettings keep = EngineSettings.DEFAULTS.withExpiredList(ExpiredList.KEEP_ENFORCING);
        assertEquals(Verdict.REQUIRE_TLS, engine(EffFixture.CLOCK_AFTER_EXPIRY, keep).decide("gmail.com").verdict());

        EngineSettings tempfail = EngineSettings.DEFAULTS.withExpiredList(ExpiredList.TEMPFAIL_LISTED);
        PolicyEngine strict = engine(EffFixture.CLOCK_AFTER_EXPIRY, tempfail);
        assertEquals(Verdict.TEMPFAIL, strict.decide("gmail.com").verdict());
        assertEquals(Verdict.NO_POLICY, strict.decide("yahoo.com").verdict(), "testing domains are not enforced");
        assertEquals(Verdict.NO_POLICY, strict.decide("unlisted.example").verdict());
    }

    @Test
    void noListLoadedMeansTempfailNeverNoPolicy() {
        PolicyEngine engine = new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        assertEquals(Verdict.TEMPFAIL, engine.decide("gmail.com").verdict());
        assertEquals(Verdict.TEMPFAIL, engine.decide("unlisted.example").verdict());
    }

    @Test
    void installSwapsTheSnapshotAndReturnsThePreviousOne() throws Exception {
        PolicyEngine engine = new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        VerifiedList first = effList();
        VerifiedList second = effList();
        assertNull(engine.install(first));
        assertSame(first, engine.install(second));
        assertSame(second, engine.activeList());
    }

    @Test
    void namedMapSettingsDoNotLeakIntoTheOriginal() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        PolicyEngine early = engine.withSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE));
        assertEquals(Verdict.REQUIRE_TLS, early.decide("yahoo.com").verdict());
        assertEquals(Verdict.NO_POLICY, engine.decide("yahoo.com").verdict());
    }

    @Test
    void namedMapViewsFollowListInstalls() throws Exception {
        PolicyEngine engine = new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        PolicyEngine early = engine.withSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE));
        assertEquals(Verdict.TEMPFAIL, early.decide("yahoo.com").verdict());
        VerifiedList list = effList();
        engine.install(list);
        assertSame(list, early.activeList());
        assertEquals(Verdict.REQUIRE_TLS, early.decide("yahoo.com").verdict());
    }

    @Test
    void aListedDomainIsDecidedOncePerListAndTheSameWayAsEver() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        Decision first = engine.decide("gmail.com");

        assertSame(first, engine.decide("GMAIL.com."), "kept for the domain, whatever spelling asked");
        assertEquals(engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS).decide("gmail.com"), first);
        assertSame(engine.decide("yahoo.com"), engine.decide("yahoo.com"));
        assertEquals(Verdict.NO_POLICY, engine.decide("yahoo.com").verdict());
    }

    @Test
    void aKeptDecisionEndsWithItsList() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        Decision before = engine.decide("gmail.com");
        assertEquals(Verdict.REQUIRE_TLS, before.verdict());

        String json = new String(EffFixture.listBytes(), StandardCharsets.UTF_8);
        String gmailEnforced = "\"gmail.com\": {\n      \"mode\": \"enforce\"";
        assertTrue(json.contains(gmailEnforced), "the fixture's spelling of gmail.com's entry");
        byte[] gmailTesting = json.replace(gmailEnforced, "\"gmail.com\": {\n      \"mode\": \"testing\"")
                .getBytes(StandardCharsets.UTF_8);
        engine.install(new VerifiedList(PreloadListParser.parse(gmailTesting), effList().signature(), "test", false));

        Decision after = engine.decide("gmail.com");
        assertEquals(Verdict.NO_POLICY, after.verdict(), "the new list's mode, not the old list's kept decision");
        assertEquals(PolicyMode.TESTING, after.mode());
        engine.install(effList());
        Decision again = engine.decide("gmail.com");
        assertNotSame(before, again, "a list installed again is a new list");
        assertEquals(before, again);
    }

    @Test
    void aKeptDecisionIsNotGivenOnceTheListHasExpired() throws Exception {
        MutableClock clock = new MutableClock(EffFixture.IN_WINDOW);
        PolicyEngine engine = engine(clock, EngineSettings.DEFAULTS);
        Instant expires = engine.activeList().list().expires();
        clock.set(expires.minus(Duration.ofMillis(1)));
        assertEquals(Verdict.REQUIRE_TLS, engine.decide("gmail.com").verdict());
        assertSame(engine.decide("gmail.com"), engine.decide("gmail.com"));

        clock.set(expires.plus(Duration.ofMillis(1))); // past the millisecond it falls in (the EFF list's has microseconds)
        Decision expired = engine.decide("gmail.com");
        assertEquals(Verdict.NO_POLICY, expired.verdict());
        assertTrue(expired.reason().contains("expired"), expired.reason());
    }

    @Test
    void eachMapsSettingsKeepTheirOwnDecisions() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        PolicyEngine early = engine.withSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE));
        for (int round = 0; round < 2; round++) { // the second round answers from what each kept
            assertEquals(Verdict.NO_POLICY, engine.decide("yahoo.com").verdict());
            assertEquals(Verdict.REQUIRE_TLS, early.decide("yahoo.com").verdict());
        }
    }

    private static Decision fromBytes(PolicyEngine engine, String name, Decision ifNotListed) {
        byte[] bytes = ("netstring " + name).getBytes(StandardCharsets.ISO_8859_1);
        return engine.decideNormalAscii(bytes, 10, name.length(), ifNotListed);
    }

    @Test
    void aNameInNormalFormIsDecidedFromItsBytesAsFromItsText() throws Exception {
        Decision notListed = Decision.noPolicy("(stand-in)", null, "not in the list");
        for (EngineSettings settings : new EngineSettings[] {EngineSettings.DEFAULTS,
                EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)}) {
            PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, settings);
            for (String listed : new String[] {"gmail.com", "yahoo.com", "eff.org", "comcast.net"}) {
                Decision fromBytes = fromBytes(engine, listed, notListed);
                assertSame(engine.decide(listed), fromBytes, listed + ": the one kept decision, whichever asked first");
                assertEquals(listed, fromBytes.domain());
            }
            PolicyEngine fresh = engine(EffFixture.CLOCK_IN_WINDOW, settings);
            Decision bytesFirst = fromBytes(fresh, "gmail.com", notListed);
            assertEquals(engine.decide("gmail.com"), bytesFirst, "decided from the bytes first: the same decision");
            assertSame(bytesFirst, fresh.decide("gmail.com"));
            for (String unlisted : new String[] {"example.com", "mail.gmail.com", "a..b", "-x.example", "com"}) {
                assertSame(notListed, fromBytes(engine, unlisted, notListed), unlisted);
                assertEquals(Verdict.NO_POLICY, engine.decide(unlisted).verdict(), unlisted);
                assertEquals(DecisionSource.NONE, engine.decide(unlisted).source(), unlisted);
            }
        }
    }

    @Test
    void bytesOnlyDecideWhatNeedsNoText() throws Exception {
        PolicyEngine engine = engine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
        Decision notListed = Decision.noPolicy("(stand-in)", null, "not in the list");
        for (String otherForm : new String[] {"GMAIL.com", "gmail.com.", ".gmail.com", "gmail.com:25", ""}) {
            assertNull(fromBytes(engine, otherForm, notListed), otherForm + ": the text path normalises it");
        }
        assertNull(fromBytes(new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS), "gmail.com", notListed),
                "no list: the text path's tempfail");

        MutableClock clock = new MutableClock(EffFixture.IN_WINDOW);
        PolicyEngine expiring = engine(clock, EngineSettings.DEFAULTS.withExpiredList(ExpiredList.TEMPFAIL_LISTED));
        assertEquals(Verdict.REQUIRE_TLS, fromBytes(expiring, "gmail.com", notListed).verdict());
        clock.set(expiring.activeList().list().expires().plus(Duration.ofMillis(1)));
        assertNull(fromBytes(expiring, "gmail.com", notListed), "an expired list's decision is the text path's");
        assertEquals(Verdict.TEMPFAIL, expiring.decide("gmail.com").verdict());
        assertSame(notListed, fromBytes(expiring, "example.com", notListed), "not listed stays not listed");
    }
}
