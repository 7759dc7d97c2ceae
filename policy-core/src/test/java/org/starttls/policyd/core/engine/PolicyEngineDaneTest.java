package org.starttls.policyd.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;
import org.starttls.policyd.core.engine.PolicyEngineStsTest.ListState;
import org.starttls.policyd.core.engine.PolicyEngineStsTest.Sts;

/**
 * DANE first: dane-only, dane and a DANE TEMP decide over MTA-STS and the list (RFC 8461 §2);
 * no DANE leaves the decision to MTA-STS, the list and none, exactly as without DANE.
 */
class PolicyEngineDaneTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(Kind.DANE_ONLY, Sts.ENFORCE, ListState.ENFORCE_LISTED, Verdict.DANE_ONLY, DecisionSource.DANE),
                Arguments.of(Kind.DANE_ONLY, Sts.ABSENT, ListState.NOT_LISTED, Verdict.DANE_ONLY, DecisionSource.DANE),
                Arguments.of(Kind.DANE, Sts.ENFORCE, ListState.NOT_LISTED, Verdict.DANE, DecisionSource.DANE),
                Arguments.of(Kind.DANE, Sts.ABSENT, ListState.ENFORCE_LISTED, Verdict.DANE, DecisionSource.DANE),
                Arguments.of(Kind.DANE, Sts.ABSENT, ListState.NO_LIST, Verdict.DANE, DecisionSource.DANE),
                Arguments.of(Kind.TEMP, Sts.ENFORCE, ListState.ENFORCE_LISTED, Verdict.TEMPFAIL, DecisionSource.DANE),
                Arguments.of(Kind.TEMP, Sts.ABSENT, ListState.NOT_LISTED, Verdict.TEMPFAIL, DecisionSource.DANE),
                Arguments.of(Kind.NO_DANE, Sts.ENFORCE, ListState.NOT_LISTED, Verdict.REQUIRE_TLS, DecisionSource.MTA_STS),
                Arguments.of(Kind.NO_DANE, Sts.ABSENT, ListState.ENFORCE_LISTED, Verdict.REQUIRE_TLS, DecisionSource.LIST),
                Arguments.of(Kind.NO_DANE, Sts.ABSENT, ListState.NOT_LISTED, Verdict.NO_POLICY, DecisionSource.NONE),
                Arguments.of(Kind.NO_DANE, Sts.ABSENT, ListState.NO_LIST, Verdict.TEMPFAIL, DecisionSource.LIST));
    }

    @ParameterizedTest(name = "DANE {0}, MTA-STS {1}, list {2} -> {3} by {4}")
    @MethodSource("table")
    void daneComesFirst(Kind dane, Sts sts, ListState list, Verdict verdict, DecisionSource source) throws Exception {
        PolicyEngine engine = PolicyEngineStsTest.engine(list, false);
        String domain = PolicyEngineStsTest.domainFor(list);
        Decision decision = engine.decide(domain, new DaneVerdict(dane, "because"),
                PolicyEngineStsTest.evidence(sts, domain));
        assertEquals(verdict, decision.verdict(), decision.reason());
        assertEquals(source, decision.source(), decision.reason());
        assertTrue(decision.reason().contains("because"), decision.reason());
    }

    @Test
    void onlyADaneOnlyDecisionDefersUnderADowngradeAndKeepsItsTag() {
        Decision deferred = Decision.dane(Verdict.DANE_ONLY, "d.example", null, "every MX has TLSA").underDowngrade("stripped");
        assertEquals(Verdict.DEFER_DOWNGRADE, deferred.verdict());
        assertEquals(DecisionSource.DANE, deferred.source());
        assertEquals("dane-only", deferred.decidingMode());
        assertThrows(IllegalStateException.class,
                () -> Decision.dane(Verdict.DANE, "d.example", null, "some MXes have TLSA").underDowngrade("stripped"));
    }
}
