package org.starttls.policyd.server.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.milter.MilterReply;
import org.starttls.policyd.server.policy.PolicyReply;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/** Every answer form, pinned to the character: the doors and the CLI only call the renderer. */
class AnswerRendererTest {
    private static final TlsPolicy ONE_WILDCARD = policy(PolicyMode.ENFORCE, ".mx.example.com");
    private static final TlsPolicy TWO = policy(PolicyMode.ENFORCE, "mx1.example.com", ".example.net");
    private static final TlsPolicy ONE_HOST = policy(PolicyMode.ENFORCE, "mx.example.org");

    private static TlsPolicy policy(PolicyMode mode, String... patterns) {
        List<MxPattern> mxs = new ArrayList<>();
        for (String pattern : patterns) {
            mxs.add(MxPattern.of(pattern));
        }
        return new TlsPolicy(mode, mxs, null);
    }

    private static Decision enforced(String domain, TlsPolicy policy) {
        return Decision.requireTls(domain, policy, "listed in enforce mode");
    }

    // ---- the TLS policy value ----

    @Test
    void secureValueIsPostfixsGrammar() {
        assertEquals("secure match=mx1.example.com:.example.net servername=hostname", AnswerRenderer.secureValue(TWO, true));
        assertEquals("secure match=mx1.example.com:.example.net", AnswerRenderer.secureValue(TWO, false));
        assertEquals("secure match=.mx.example.com servername=hostname", AnswerRenderer.secureValue(ONE_WILDCARD, true));
    }

    @Test
    void aListPolicysReplyIsKeptPerFormWithThePolicy() {
        // Rendered once per policy (TlsPolicy.rendering): a listed domain's every lookup gets the
        // same reply object, each form its own, and another domain of the same alias the same.
        SocketmapMapSettings legacy = SocketmapMapSettings.DEFAULTS.withServername(false);
        SocketmapReply withServername = AnswerRenderer.socketmap(enforced("example.com", TWO), SocketmapMapSettings.DEFAULTS);
        SocketmapReply plain = AnswerRenderer.socketmap(enforced("example.com", TWO), legacy);
        assertSame(withServername, AnswerRenderer.socketmap(enforced("example.com", TWO), SocketmapMapSettings.DEFAULTS));
        assertSame(plain, AnswerRenderer.socketmap(enforced("other.example", TWO), legacy));
        assertEquals("OK secure match=mx1.example.com:.example.net servername=hostname", withServername.wireText());
        assertEquals("OK secure match=mx1.example.com:.example.net", plain.wireText());
        // An equal policy is another object with its own rendering, and the same text.
        TlsPolicy equal = policy(PolicyMode.ENFORCE, "mx1.example.com", ".example.net");
        assertEquals(withServername, AnswerRenderer.socketmap(enforced("example.com", equal), SocketmapMapSettings.DEFAULTS));
    }

    @Test
    void aPolicyWithoutPatternsCannotExistSoMatchIsNeverEmpty() {
        assertThrows(IllegalArgumentException.class, () -> new TlsPolicy(PolicyMode.ENFORCE, List.of(), null));
    }

    @Test
    void socketmapAnswersEachVerdict() {
        SocketmapMapSettings legacy = SocketmapMapSettings.DEFAULTS.withServername(false);
        assertEquals("OK secure match=mx1.example.com:.example.net servername=hostname",
                AnswerRenderer.socketmap(enforced("example.com", TWO), SocketmapMapSettings.DEFAULTS).wireText());
        assertEquals("OK secure match=mx1.example.com:.example.net",
                AnswerRenderer.socketmap(enforced("example.com", TWO), legacy).wireText());
        assertEquals("OK secure match=mx1.example.com:.example.net servername=hostname", AnswerRenderer.socketmap(
                enforced("example.com", TWO).underDowngrade("seen"), SocketmapMapSettings.DEFAULTS).wireText(),
                "at delivery a downgrade is what requiring TLS defers");
        assertEquals("NOTFOUND ", AnswerRenderer.socketmap(Decision.noPolicy("example.com", null, "not listed"),
                SocketmapMapSettings.DEFAULTS).wireText());
        assertEquals("TEMP no verified list is loaded yet", AnswerRenderer.socketmap(
                Decision.tempfail("example.com", "no verified list is loaded yet"), SocketmapMapSettings.DEFAULTS).wireText());
    }

    @Test
    void sendmailAccessRequirementPinsOnlyASingleExactName() {
        assertEquals("VERIFY+CN:mx.example.org", AnswerRenderer.sendmailAccessRequirement(ONE_HOST));
        assertEquals("VERIFY", AnswerRenderer.sendmailAccessRequirement(ONE_WILDCARD));
        assertEquals("VERIFY", AnswerRenderer.sendmailAccessRequirement(TWO));
    }

    // ---- the tag header: one grammar for both receipt-time doors ----

    @Test
    void tagHeaderListsDomainModeAndMatchPatterns() {
        TlsPolicy testing = policy(PolicyMode.TESTING, "mx.example.org");
        String value = AnswerRenderer.tagHeader(List.of(enforced("example.com", ONE_WILDCARD),
                Decision.requireTls("example.org", testing, "testing enforced by setting")), 900);
        assertEquals("example.com=enforce(match=.mx.example.com); example.org=testing(match=mx.example.org)", value);
    }

    @Test
    void thePolicyDoorAndTheMilterWriteTheSameHeaderValue() {
        Decision decision = enforced("example.com", TWO);
        PolicyReply prepend = AnswerRenderer.policy(decision, PolicyServiceSettings.DEFAULTS.withTagHeader(true));
        String milterValue = AnswerRenderer.tagHeader(List.of(decision), AnswerRenderer.MAX_MILTER_HEADER_VALUE_CHARS);
        assertEquals("example.com=enforce(match=mx1.example.com:.example.net)", milterValue);
        assertEquals("PREPEND X-STARTTLS-Policy: " + milterValue, prepend.action());
    }

    @Test
    void tagHeaderStaysBoundedAndCountsWhatDidNotFit() {
        List<Decision> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(enforced("domain" + i + ".example", ONE_WILDCARD));
        }
        String value = AnswerRenderer.tagHeader(many, AnswerRenderer.MAX_MILTER_HEADER_VALUE_CHARS);
        assertTrue(value.length() <= AnswerRenderer.MAX_MILTER_HEADER_VALUE_CHARS, "length " + value.length());
        assertTrue(value.startsWith("domain0.example=enforce(match=.mx.example.com); domain1.example="), value);
        int shown = value.split("; ").length - 1;
        assertTrue(value.endsWith("; +" + (200 - shown) + " more"), value);
        // And the header line built from it is accepted by the milter reply's own check.
        MilterReply.addHeader(HeaderField.DEFAULT_NAME, value);
        MilterReply.addHeader("X" + "-".repeat(HeaderField.MAX_NAME_CHARS - 1), value);
    }

    @Test
    void aSingleEntryThatFitsIsNotCounted() {
        assertEquals("example.com=enforce(match=.mx.example.com)",
                AnswerRenderer.tagHeader(List.of(enforced("example.com", ONE_WILDCARD)), 900));
        String exact = "example.com=enforce(match=.mx.example.com)";
        assertEquals(exact, AnswerRenderer.tagHeader(List.of(enforced("example.com", ONE_WILDCARD)), exact.length()));
    }

    @Test
    void anEntryWhosePatternsDoNotFitIsWrittenWithoutThem() {
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            patterns.add("mx" + i + ".a-long-mail-host-name.example.com");
        }
        Decision wide = enforced("example.com", policy(PolicyMode.ENFORCE, patterns.toArray(String[]::new)));
        assertEquals("example.com=enforce", AnswerRenderer.tagHeader(List.of(wide), 900));
        assertEquals("PREPEND X-STARTTLS-Policy: example.com=enforce",
                AnswerRenderer.policy(wide, PolicyServiceSettings.DEFAULTS.withTagHeader(true)).action());
        assertEquals("a.example=enforce(match=.mx.example.com); example.com=enforce",
                AnswerRenderer.tagHeader(List.of(enforced("a.example", ONE_WILDCARD), wide), 900));
    }

    @Test
    void tagHeaderNeedsAtLeastOneDecision() {
        assertThrows(IllegalArgumentException.class, () -> AnswerRenderer.tagHeader(List.of(), 900));
    }

    @Test
    void headerNamesFollowOneRule() {
        assertTrue(HeaderField.isName("X-STARTTLS-Policy"));
        assertTrue(HeaderField.isName("X" + "-".repeat(HeaderField.MAX_NAME_CHARS - 1)));
        assertFalse(HeaderField.isName("X" + "-".repeat(HeaderField.MAX_NAME_CHARS)));
        for (String bad : new String[] {"", "X Bad", "X-Bad:", "X-Pol\u00efcy", "X\tY", "X-Policy\r\nBcc: a@b"}) {
            assertFalse(HeaderField.isName(bad), bad);
        }
        assertFalse(HeaderField.isName(null));
    }

    // ---- receipt-time answers ----

    @Test
    void policyAnswersEachVerdict() {
        PolicyServiceSettings tagging = PolicyServiceSettings.DEFAULTS.withTagHeader(true);
        assertEquals("DUNNO", AnswerRenderer.policy(Decision.noPolicy("example.com", null, "x"), tagging).action());
        assertEquals("DUNNO", AnswerRenderer.policy(enforced("example.com", TWO), PolicyServiceSettings.DEFAULTS).action());
        assertEquals("PREPEND X-TLS: example.com=enforce(match=mx1.example.com:.example.net)",
                AnswerRenderer.policy(enforced("example.com", TWO), new PolicyServiceSettings(true, "X-TLS")).action());
        assertEquals("DEFER_IF_PERMIT 4.7.5 example.com: stripped", AnswerRenderer.policy(
                enforced("example.com", TWO).underDowngrade("stripped"), tagging).action());
        assertEquals("DEFER_IF_PERMIT 4.3.0 example.com: no list", AnswerRenderer.policy(
                Decision.tempfail("example.com", "no list"), tagging).action());
        assertEquals("DEFER_IF_PERMIT 4.3.0 example.com: internal error, try again later",
                AnswerRenderer.policyInternalError("example.com").action());
    }

    @Test
    void daneVerdictsAreTaggedWithoutPatternsAndNeverDeferred() {
        Decision daneOnly = Decision.dane(Verdict.DANE_ONLY, "example.com", null, "DANE: every MX has TLSA");
        Decision dane = Decision.dane(Verdict.DANE, "example.org", null, "DANE: some MXes have TLSA");
        assertEquals("DUNNO", AnswerRenderer.policy(daneOnly, PolicyServiceSettings.DEFAULTS).action());
        assertEquals("PREPEND X-TLS: example.com=dane-only",
                AnswerRenderer.policy(daneOnly, new PolicyServiceSettings(true, "X-TLS")).action());
        assertEquals("example.com=dane-only; example.org=dane", AnswerRenderer.tagHeader(List.of(daneOnly, dane), 900));
        assertEquals(MilterReply.CONTINUE, AnswerRenderer.milterRecipient(daneOnly));
    }

    @Test
    void aDaneOnlyDomainUnderADowngradeIsDeferredAtReceiptAndStaysDaneOnlyAtDelivery() {
        Decision deferred = Decision.dane(Verdict.DANE_ONLY, "example.com", null, "DANE").underDowngrade("stripped");
        assertEquals("DEFER_IF_PERMIT 4.7.5 example.com: stripped",
                AnswerRenderer.policy(deferred, PolicyServiceSettings.DEFAULTS).action());
        assertEquals(MilterReply.replyCode("451", "4.7.5", "example.com: stripped"), AnswerRenderer.milterRecipient(deferred));
        assertEquals("OK dane-only", AnswerRenderer.socketmap(deferred, SocketmapMapSettings.DEFAULTS).wireText());
    }

    @Test
    void milterAnswersEachVerdict() {
        assertEquals(MilterReply.CONTINUE, AnswerRenderer.milterRecipient(Decision.noPolicy("example.com", null, "x")));
        assertEquals(MilterReply.CONTINUE, AnswerRenderer.milterRecipient(enforced("example.com", TWO)));
        assertEquals(MilterReply.replyCode("451", "4.7.5", "example.com: stripped"),
                AnswerRenderer.milterRecipient(enforced("example.com", TWO).underDowngrade("stripped")));
        assertEquals(MilterReply.replyCode("451", "4.3.0", "example.com: no list"),
                AnswerRenderer.milterRecipient(Decision.tempfail("example.com", "no list")));
    }

    // ---- metric labels (docs/operator-guide.md lists them) ----

    @Test
    void socketmapAnswersAreCountedByStatus() {
        assertEquals("OK", AnswerRenderer.label(SocketmapReply.ok("secure match=mx.example.com")));
        assertEquals("NOTFOUND", AnswerRenderer.label(SocketmapReply.notFound()));
        assertEquals("TEMP", AnswerRenderer.label(SocketmapReply.temp("no list")));
        assertEquals("PERM", AnswerRenderer.label(SocketmapReply.perm("malformed request")));
    }

    @Test
    void policyAnswersAreCountedByActionAndDeferralsByStatus() {
        PolicyServiceSettings tagging = PolicyServiceSettings.DEFAULTS.withTagHeader(true);
        assertEquals("DUNNO", AnswerRenderer.label(PolicyReply.DUNNO));
        assertEquals("PREPEND", AnswerRenderer.label(AnswerRenderer.policy(enforced("example.com", TWO), tagging)));
        assertEquals("DEFER_IF_PERMIT 4.7.5", AnswerRenderer.label(AnswerRenderer.policy(
                enforced("example.com", TWO).underDowngrade("stripped"), tagging)));
        assertEquals("DEFER_IF_PERMIT 4.3.0", AnswerRenderer.label(AnswerRenderer.policyInternalError("example.com")));
    }

    @Test
    void milterAnswersAreCountedByCodeAndStatus() {
        assertEquals("continue", AnswerRenderer.label(MilterReply.CONTINUE));
        assertEquals("451 4.7.5", AnswerRenderer.label(MilterReply.replyCode("451", "4.7.5", "example.com: under a downgrade")));
        assertEquals("451 4.3.0", AnswerRenderer.label(AnswerRenderer.milterRecipient(Decision.tempfail("example.com", "no list"))));
        assertEquals("reply 't'", AnswerRenderer.label(MilterReply.TEMPFAIL));
    }
}
