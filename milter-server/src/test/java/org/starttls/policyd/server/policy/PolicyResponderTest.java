package org.starttls.policyd.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.testing.TestLists;

class PolicyResponderTest {
    private final PolicyEngine engine = TestLists.effEngine();

    /** The list, plus comcast.net known to be under a downgrade (as the probe would report). */
    static ReceiptDecider withDowngradeOnComcast(PolicyEngine engine) {
        return domain -> {
            Decision decision = engine.decide(domain);
            return decision.domain().equals("comcast.net")
                    ? decision.underDowngrade("STARTTLS was stripped on the path to its MX") : decision;
        };
    }

    private static PolicyRequest rcpt(String recipient) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("request", "smtpd_access_policy");
        attributes.put("protocol_state", "RCPT");
        attributes.put("recipient", recipient);
        attributes.put("sender", "someone@sender.example");
        return new PolicyRequest(attributes);
    }

    private String answer(ReceiptDecider decider, PolicyServiceSettings settings, PolicyRequest request) {
        return new PolicyResponder(decider, settings).answer(request).toString();
    }

    @Test
    void translatesEachVerdict() {
        PolicyServiceSettings tagging = PolicyServiceSettings.DEFAULTS.withTagHeader(true);
        ReceiptDecider decider = withDowngradeOnComcast(engine);
        assertEquals("action=DUNNO", answer(decider, tagging, rcpt("user@example.com")));
        assertEquals("action=DUNNO", answer(decider, tagging, rcpt("user@eff.org")), "testing mode is not enforced");
        assertEquals("action=PREPEND X-STARTTLS-Policy: gmail.com=enforce"
                + "(match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com)",
                answer(decider, tagging, rcpt("User@GMAIL.com")));
        assertEquals("action=DUNNO", answer(decider, PolicyServiceSettings.DEFAULTS, rcpt("user@gmail.com")));
        assertEquals("action=DEFER_IF_PERMIT 4.7.5 comcast.net: STARTTLS was stripped on the path to its MX",
                answer(decider, PolicyServiceSettings.DEFAULTS, rcpt("user@comcast.net")));
    }

    @Test
    void aRecipientDomainWithIdnaDotsOrATrailingDotAnswersLikeItsPlainForm() {
        PolicyServiceSettings tagging = PolicyServiceSettings.DEFAULTS.withTagHeader(true);
        ReceiptDecider decider = ReceiptDecider.listOnly(engine);
        String plain = answer(decider, tagging, rcpt("user@gmail.com"));
        assertEquals("action=PREPEND X-STARTTLS-Policy: gmail.com=enforce"
                + "(match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com)", plain);
        for (String recipient : new String[] {"user@gmail.com\u3002", "user@gmail\uFF0Ecom", "<user@GMAIL.com\uFF61>",
            "user@gmail.com."}) {
            assertEquals(plain, answer(decider, tagging, rcpt(recipient)), recipient);
        }
    }

    @Test
    void aListThatIsNotLoadedDefers() {
        assertEquals("action=DEFER_IF_PERMIT 4.3.0 gmail.com: no verified list is loaded yet",
                answer(ReceiptDecider.listOnly(TestLists.engineWithoutList()), PolicyServiceSettings.DEFAULTS, rcpt("u@gmail.com")));
    }

    @Test
    void anExceptionWhileDecidingDefersNeverDunno() {
        ReceiptDecider broken = domain -> {
            throw new IllegalStateException("detector unavailable");
        };
        assertEquals("action=DEFER_IF_PERMIT 4.3.0 gmail.com: internal error, try again later",
                answer(broken, PolicyServiceSettings.DEFAULTS, rcpt("u@gmail.com")));
    }

    @Test
    void otherRequestsAndStatesAndRecipientsWithoutADomainAreDunno() {
        ReceiptDecider decider = ReceiptDecider.listOnly(TestLists.engineWithoutList()); // would defer if asked
        assertEquals("action=DUNNO", answer(decider, PolicyServiceSettings.DEFAULTS, rcpt("<>")));
        assertEquals("action=DUNNO", answer(decider, PolicyServiceSettings.DEFAULTS, rcpt("postmaster")));
        assertEquals("action=DUNNO", answer(decider, PolicyServiceSettings.DEFAULTS,
                new PolicyRequest(Map.of("request", "smtpd_access_policy", "protocol_state", "DATA", "recipient", "u@gmail.com"))));
        assertEquals("action=DUNNO", answer(decider, PolicyServiceSettings.DEFAULTS,
                new PolicyRequest(Map.of("request", "other", "protocol_state", "RCPT", "recipient", "u@gmail.com"))));
    }

    @Test
    void headerNamesAreChecked() {
        assertEquals("action=PREPEND X-TLS: gmail.com=enforce(match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com)",
                answer(engine::decide, new PolicyServiceSettings(true, "X-TLS"), rcpt("u@gmail.com")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new PolicyServiceSettings(true, "X-Bad:"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new PolicyServiceSettings(true, "X Bad"));
    }
}
