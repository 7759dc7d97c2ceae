package org.starttls.policyd.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.core.testing.EffFixture;

/**
 * The decision order with MTA-STS: every kind of MTA-STS evidence against every kind of list
 * answer (enforce-listed, testing-listed, not listed, no list loaded, expired list), under both
 * testing-domain rules. gmail.com is listed in enforce mode, yahoo.com in testing mode,
 * example.org is not listed.
 */
class PolicyEngineStsTest {

    enum Sts { ENFORCE, TESTING, NONE, ABSENT, DNS_FAILED, FETCH_FAILED, PENDING_SEEN, PENDING_UNSEEN }

    enum ListState { ENFORCE_LISTED, TESTING_LISTED, NOT_LISTED, NO_LIST, EXPIRED_ENFORCE_LISTED, EXPIRED_TEMPFAIL_LISTED }

    private static final Verdict REQUIRE = Verdict.REQUIRE_TLS;
    private static final Verdict NONE_ = Verdict.NO_POLICY;
    private static final Verdict TEMP = Verdict.TEMPFAIL;
    private static final DecisionSource STS = DecisionSource.MTA_STS;
    private static final DecisionSource LIST = DecisionSource.LIST;
    private static final DecisionSource NOBODY = DecisionSource.NONE;

    static Stream<Arguments> table() {
        return Stream.of(
                // A valid policy in any mode decides over whatever the list says.
                row(Sts.ENFORCE, ListState.NOT_LISTED, false, REQUIRE, STS),
                row(Sts.ENFORCE, ListState.TESTING_LISTED, false, REQUIRE, STS),
                row(Sts.ENFORCE, ListState.ENFORCE_LISTED, false, REQUIRE, STS),
                row(Sts.ENFORCE, ListState.NO_LIST, false, REQUIRE, STS),
                row(Sts.ENFORCE, ListState.EXPIRED_ENFORCE_LISTED, false, REQUIRE, STS),
                row(Sts.TESTING, ListState.NOT_LISTED, false, NONE_, STS),
                row(Sts.TESTING, ListState.NOT_LISTED, true, REQUIRE, STS),
                row(Sts.TESTING, ListState.ENFORCE_LISTED, false, NONE_, STS),
                row(Sts.TESTING, ListState.NO_LIST, false, NONE_, STS),
                row(Sts.NONE, ListState.ENFORCE_LISTED, false, NONE_, STS),
                row(Sts.NONE, ListState.ENFORCE_LISTED, true, NONE_, STS),
                row(Sts.NONE, ListState.EXPIRED_TEMPFAIL_LISTED, false, NONE_, STS),
                row(Sts.NONE, ListState.NOT_LISTED, false, NONE_, STS),
                // Nothing usable from MTA-STS: the list answers whenever it names the domain.
                row(Sts.ABSENT, ListState.ENFORCE_LISTED, false, REQUIRE, LIST),
                row(Sts.DNS_FAILED, ListState.ENFORCE_LISTED, false, REQUIRE, LIST),
                row(Sts.FETCH_FAILED, ListState.ENFORCE_LISTED, false, REQUIRE, LIST),
                row(Sts.PENDING_SEEN, ListState.ENFORCE_LISTED, false, REQUIRE, LIST),
                row(Sts.PENDING_UNSEEN, ListState.ENFORCE_LISTED, false, REQUIRE, LIST),
                row(Sts.ABSENT, ListState.TESTING_LISTED, false, NONE_, LIST),
                row(Sts.DNS_FAILED, ListState.TESTING_LISTED, true, REQUIRE, LIST),
                row(Sts.PENDING_SEEN, ListState.TESTING_LISTED, false, NONE_, LIST),
                row(Sts.DNS_FAILED, ListState.EXPIRED_ENFORCE_LISTED, false, NONE_, LIST),
                row(Sts.DNS_FAILED, ListState.EXPIRED_TEMPFAIL_LISTED, false, TEMP, LIST),
                row(Sts.FETCH_FAILED, ListState.EXPIRED_TEMPFAIL_LISTED, false, TEMP, LIST),
                // No list loaded: its tempfail stands unless a policy decides.
                row(Sts.ABSENT, ListState.NO_LIST, false, TEMP, LIST),
                row(Sts.DNS_FAILED, ListState.NO_LIST, false, TEMP, LIST),
                row(Sts.PENDING_SEEN, ListState.NO_LIST, false, TEMP, LIST),
                // Not listed, nothing usable: only a promised policy still in flight defers.
                row(Sts.PENDING_SEEN, ListState.NOT_LISTED, false, TEMP, STS),
                row(Sts.PENDING_SEEN, ListState.NOT_LISTED, true, TEMP, STS),
                row(Sts.PENDING_UNSEEN, ListState.NOT_LISTED, false, NONE_, NOBODY),
                row(Sts.ABSENT, ListState.NOT_LISTED, false, NONE_, NOBODY),
                row(Sts.DNS_FAILED, ListState.NOT_LISTED, false, NONE_, NOBODY),
                row(Sts.FETCH_FAILED, ListState.NOT_LISTED, false, NONE_, NOBODY));
    }

    private static Arguments row(Sts sts, ListState list, boolean enforceTesting, Verdict verdict, DecisionSource source) {
        return Arguments.of(sts, list, enforceTesting, verdict, source);
    }

    @ParameterizedTest(name = "{0} x {1} (testing enforced: {2}) -> {3} by {4}")
    @MethodSource("table")
    void decidesInOrder(Sts sts, ListState list, boolean enforceTesting, Verdict verdict, DecisionSource source)
            throws Exception {
        String domain = domainFor(list);
        Decision decision = engine(list, enforceTesting).decide(domain, evidence(sts, domain));

        assertEquals(verdict, decision.verdict(), decision.reason());
        assertEquals(source, decision.source(), decision.reason());
        assertEquals(domain, decision.domain());
        if (source == STS && verdict != TEMP) {
            assertNotNull(decision.sts());
            assertEquals(domain, decision.sts().policyDomain());
        } else {
            assertNull(decision.sts());
        }
        // The list's entry is kept whichever source decided, so an operator sees both.
        assertEquals(list == ListState.ENFORCE_LISTED || list == ListState.TESTING_LISTED
                || list == ListState.EXPIRED_ENFORCE_LISTED || list == ListState.EXPIRED_TEMPFAIL_LISTED,
                decision.listed());
        // A door that normalised the name itself gets the very same decision, reason included.
        DomainName name = DomainName.of(domain.toUpperCase(java.util.Locale.ROOT));
        assertEquals(decision, engine(list, enforceTesting).decide(name, evidence(sts, domain)));
        // A door's answer: the same decision, except that a policy's shows no list entry beside it.
        Decision answer = engine(list, enforceTesting).decideAnswer(name, evidence(sts, domain));
        if (source == STS && verdict != TEMP) {
            assertEquals(new Decision(decision.verdict(), decision.domain(), null, decision.reason(), decision.source(),
                    decision.sts()), answer);
            assertFalse(answer.listed());
        } else {
            assertEquals(decision, answer);
        }
    }

    @Test
    void aListedDomainNeverLosesItsProtectionToAFailedResolution() throws Exception {
        for (Sts sts : new Sts[] {Sts.ABSENT, Sts.DNS_FAILED, Sts.FETCH_FAILED, Sts.PENDING_SEEN, Sts.PENDING_UNSEEN}) {
            Decision decision = engine(ListState.ENFORCE_LISTED, false).decide("gmail.com", evidence(sts, "gmail.com"));
            assertEquals(REQUIRE, decision.verdict(), sts.name());
            assertTrue(decision.reason().contains("MTA-STS"), decision.reason());
        }
    }

    @Test
    void theReasonSaysWhyMtaStsWasUnusable() throws Exception {
        Decision decision = engine(ListState.NOT_LISTED, false).decide("example.org",
                new StsEvidence.Failed("dns: SERVFAIL for _mta-sts.example.org", false));
        assertTrue(decision.reason().contains("SERVFAIL"), decision.reason());
        assertTrue(decision.reason().contains("not in the list"), decision.reason());
    }

    @Test
    void theStsDecisionCarriesWhatTheAnswerNeeds() throws Exception {
        StsEvidence.Policy policy = (StsEvidence.Policy) evidence(Sts.ENFORCE, "example.org");
        Decision decision = engine(ListState.NOT_LISTED, false).decide("EXAMPLE.org.", policy);
        assertSame(policy.basis(), decision.sts());
        assertEquals("enforce", decision.decidingMode());
        assertTrue(decision.reason().contains("id 20240101"), decision.reason());
    }

    @Test
    void aKeyThatIsNotADomainIsDecidedAsBefore() throws Exception {
        Decision decision = engine(ListState.NOT_LISTED, false).decide("[192.0.2.1]", StsEvidence.NOT_CONSULTED);
        assertEquals(NONE_, decision.verdict());
        assertEquals(NOBODY, decision.source());
    }

    static String domainFor(ListState list) {
        switch (list) {
            case ENFORCE_LISTED:
            case EXPIRED_ENFORCE_LISTED:
            case EXPIRED_TEMPFAIL_LISTED:
            case NO_LIST:
                return "gmail.com";
            case TESTING_LISTED:
                return "yahoo.com";
            default:
                return "example.org";
        }
    }

    static PolicyEngine engine(ListState list, boolean enforceTesting) throws Exception {
        EngineSettings settings = EngineSettings.DEFAULTS
                .withTestingDomains(enforceTesting ? TestingDomains.ENFORCE : TestingDomains.REPORT_ONLY);
        if (list == ListState.EXPIRED_TEMPFAIL_LISTED) {
            settings = settings.withExpiredList(ExpiredList.TEMPFAIL_LISTED);
        }
        boolean expired = list == ListState.EXPIRED_ENFORCE_LISTED || list == ListState.EXPIRED_TEMPFAIL_LISTED;
        Clock clock = expired ? EffFixture.CLOCK_AFTER_EXPIRY : EffFixture.CLOCK_IN_WINDOW;
        return list == ListState.NO_LIST ? new PolicyEngine(clock, settings) : new PolicyEngine(clock, settings, effList());
    }

    private static VerifiedList effList() throws Exception {
        SignatureInfo signer = new SignatureInfo("2C319DE47066C200DFDC4D6B842AEA40C5BCD6E1",
                "B693F33372E965D76D55368616EEA65D03326C9D", "test", Instant.parse("2020-05-20T17:25:13Z"));
        return new VerifiedList(PreloadListParser.parse(EffFixture.listBytes()), signer, "test", false);
    }

    static StsEvidence evidence(Sts sts, String domain) {
        switch (sts) {
            case ENFORCE:
                return new StsEvidence.Policy(new StsBasis(domain, "20240101", policy("enforce", domain)), "fetched");
            case TESTING:
                return new StsEvidence.Policy(new StsBasis(domain, "20240101", policy("testing", domain)), "cached");
            case NONE:
                return new StsEvidence.Policy(new StsBasis(domain, "20240101", policy("none", domain)), "fetched");
            case ABSENT:
                return new StsEvidence.Absent("no _mta-sts record");
            case DNS_FAILED:
                return new StsEvidence.Failed("dns: timeout", false);
            case FETCH_FAILED:
                return new StsEvidence.Failed("tls: certificate expired", true);
            case PENDING_SEEN:
                return new StsEvidence.Pending("fetching the policy for 10 s", true);
            case PENDING_UNSEEN:
            default:
                return new StsEvidence.Pending("looking up the TXT record for 10 s", false);
        }
    }

    static StsPolicy policy(String mode, String domain) {
        String text = "version: STSv1\nmode: " + mode + "\nmx: mx1." + domain + "\nmx: *." + domain + "\nmax_age: 86400\n";
        StsPolicyResult result = new StsPolicyParser().parse(text.getBytes(StandardCharsets.US_ASCII));
        return ((StsPolicyResult.Valid) result).policy();
    }
}
