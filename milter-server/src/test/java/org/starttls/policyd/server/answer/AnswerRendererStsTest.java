package org.starttls.policyd.server.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.StsBasis;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/** MTA-STS answers, pinned to the character. */
class AnswerRendererStsTest {
    private static final String RFC_POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
            + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n";

    static StsPolicy parse(String text) {
        StsPolicyResult result = new StsPolicyParser().parse(text.getBytes(StandardCharsets.UTF_8));
        return ((StsPolicyResult.Valid) result).policy();
    }

    static Decision stsEnforced(String domain, StsPolicy policy) {
        return new Decision(Verdict.REQUIRE_TLS, domain, null, "MTA-STS policy in enforce mode", DecisionSource.MTA_STS,
                new StsBasis(domain, "20160831085700Z", policy));
    }

    @Test
    void enforceBecomesSecureWithThePostfixFormOfEachPattern() {
        SocketmapReply reply = AnswerRenderer.socketmap(stsEnforced("example.com", parse(RFC_POLICY)),
                SocketmapMapSettings.DEFAULTS);
        // *.example.net is sent as .example.net: Postfix has no one-label wildcard (docs/mta-sts.md).
        assertEquals("OK secure match=mail.example.com:.example.net:backupmx.example.com servername=hostname",
                reply.wireText());
    }

    @Test
    void aBasisRenderedOnceAnswersEveryFormAndAnotherBasisItsOwnPatterns() {
        // The text is kept with the basis (StsBasis.rendering); each form must still be its own.
        StsBasis basis = new StsBasis("example.com", "one", parse(RFC_POLICY));
        Decision decision = new Decision(Verdict.REQUIRE_TLS, "example.com", null, "enforce", DecisionSource.MTA_STS, basis);
        String match = "secure match=mail.example.com:.example.net:backupmx.example.com";
        String tlsrpt = AnswerRenderer.stsSecureValue(basis, false, true).substring(match.length());
        assertTrue(tlsrpt.startsWith(" policy_type=sts policy_domain=example.com mx_host_pattern=mail.example.com"), tlsrpt);
        for (int round = 0; round < 2; round++) {
            assertEquals("OK " + match + " servername=hostname",
                    AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS).wireText());
            assertEquals("OK " + match, AnswerRenderer.socketmap(decision,
                    SocketmapMapSettings.DEFAULTS.withServername(false)).wireText());
            assertEquals("OK " + match + " servername=hostname" + tlsrpt, AnswerRenderer.socketmap(decision,
                    SocketmapMapSettings.DEFAULTS.withTlsrpt(true)).wireText());
            assertEquals("OK " + match + tlsrpt, AnswerRenderer.socketmap(decision,
                    SocketmapMapSettings.DEFAULTS.withServername(false).withTlsrpt(true)).wireText());
            assertEquals("example.com=enforce(match=mail.example.com:.example.net:backupmx.example.com)",
                    AnswerRenderer.tagHeader(List.of(decision), 900));
        }

        StsBasis changed = new StsBasis("example.com", "two", parse("version: STSv1\nmode: enforce\nmx: mx9.example.com\n"
                + "max_age: 86400\n"));
        Decision next = new Decision(Verdict.REQUIRE_TLS, "example.com", null, "enforce", DecisionSource.MTA_STS, changed);
        assertEquals("OK secure match=mx9.example.com servername=hostname policy_type=sts policy_domain=example.com"
                + " mx_host_pattern=mx9.example.com { policy_string = version: STSv1 } { policy_string = mode: enforce }"
                + " { policy_string = mx: mx9.example.com } { policy_string = max_age: 86400 }",
                AnswerRenderer.socketmap(next, SocketmapMapSettings.DEFAULTS.withTlsrpt(true)).wireText());
        assertEquals("OK " + match + " servername=hostname",
                AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS).wireText(), "the first basis is untouched");
        assertSame(AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS),
                AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS), "one reply per basis and form");
    }

    @Test
    void withoutServernameForOldPostfix() {
        SocketmapReply reply = AnswerRenderer.socketmap(stsEnforced("example.com", parse(RFC_POLICY)),
                SocketmapMapSettings.DEFAULTS.withServername(false));
        assertEquals("OK secure match=mail.example.com:.example.net:backupmx.example.com", reply.wireText());
    }

    @Test
    void tlsrptAttributesFollowPostfixsSyntaxKeepingTheStsPatterns() {
        SocketmapReply reply = AnswerRenderer.socketmap(stsEnforced("example.com", parse(RFC_POLICY)),
                SocketmapMapSettings.DEFAULTS.withTlsrpt(true));
        assertEquals("OK secure match=mail.example.com:.example.net:backupmx.example.com servername=hostname"
                + " policy_type=sts policy_domain=example.com"
                + " mx_host_pattern=mail.example.com mx_host_pattern=*.example.net mx_host_pattern=backupmx.example.com"
                + " { policy_string = version: STSv1 } { policy_string = mode: enforce }"
                + " { policy_string = mx: mail.example.com } { policy_string = mx: *.example.net }"
                + " { policy_string = mx: backupmx.example.com } { policy_string = max_age: 604800 }",
                reply.wireText());
    }

    @Test
    void tlsrptIsOffByDefault() {
        String wire = AnswerRenderer.socketmap(stsEnforced("example.com", parse(RFC_POLICY)), SocketmapMapSettings.DEFAULTS)
                .wireText();
        assertFalse(wire.contains("policy_type"), wire);
    }

    @Test
    void listAnswersNeverCarryTlsrptAttributes() {
        // Postfix: "It is an error to specify these attributes for a non-STS policy."
        Decision listed = Decision.requireTls("example.com", new org.starttls.policyd.core.list.TlsPolicy(
                org.starttls.policyd.core.list.PolicyMode.ENFORCE,
                List.of(org.starttls.policyd.core.list.MxPattern.of("mx.example.com")), null), "listed");
        assertEquals("OK secure match=mx.example.com servername=hostname",
                AnswerRenderer.socketmap(listed, SocketmapMapSettings.DEFAULTS.withTlsrpt(true)).wireText());
    }

    @Test
    void hostilePolicyLinesCannotBreakOutOfTheirBraces() {
        StsPolicy policy = parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n"
                + "x-note: } policy_failure=sts-webpki-invalid {\nx-utf8: caf\u00e9\tbar\u0007\n");
        String wire = AnswerRenderer.socketmap(stsEnforced("example.com", policy),
                SocketmapMapSettings.DEFAULTS.withTlsrpt(true)).wireText();
        assertTrue(wire.endsWith("{ policy_string = x-note: ? policy_failure=sts-webpki-invalid ? }"
                + " { policy_string = x-utf8: caf? bar? }"), wire);
        assertEquals(wire.chars().filter(c -> c == '{').count(), wire.chars().filter(c -> c == '}').count());
        assertTrue(wire.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), wire);
    }

    @Test
    void policyStringValueEscapesEverythingOutsidePrintableAscii() {
        assertEquals("mode: enforce", StsAnswer.policyStringValue("  mode: enforce \t"));
        assertEquals("a?b?c", StsAnswer.policyStringValue("a{b}c"));
        assertEquals("x ?", StsAnswer.policyStringValue("x \uD83D\uDE00"));
        assertEquals("", StsAnswer.policyStringValue(" \t "));
    }

    @Test
    void hugePoliciesAreCappedWellUnderTheReplyLimit() {
        StringBuilder text = new StringBuilder("version: STSv1\nmode: enforce\nmax_age: 86400\n");
        for (int i = 0; i < 600; i++) {
            text.append("mx: mx").append(i).append(".a-rather-long-mail-host-name-for-padding.example.com\n");
        }
        for (int i = 0; i < 100; i++) {
            text.append("x-padding-").append(i).append(": ").append("p".repeat(150)).append('\n');
        }
        StsPolicy policy = parse(text.toString());
        Decision decision = stsEnforced("example.com", policy);
        assertTrue(AnswerRenderer.stsPatternsCapped(decision.sts()));

        String plain = AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS).wireText();
        String tlsrpt = AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS.withTlsrpt(true)).wireText();

        assertTrue(plain.startsWith("OK secure match=mx0."), plain.substring(0, 40));
        assertEquals(StsAnswer.MAX_MX_PATTERNS, plain.split(":").length);
        assertTrue(tlsrpt.startsWith("OK "), tlsrpt.substring(0, 40));
        assertEquals(StsAnswer.MAX_MX_PATTERNS, tlsrpt.split("mx_host_pattern=").length - 1);
        assertFalse(tlsrpt.contains("policy_string"), "policy strings that do not fit are left out");
        assertTrue(tlsrpt.length() < SocketmapReply.MAX_REPLY_BYTES / 2, "length " + tlsrpt.length());
    }

    @Test
    void tagHeaderNamesTheStsModeAndPatterns() {
        Decision decision = stsEnforced("example.com", parse(RFC_POLICY));
        assertEquals("example.com=enforce(match=mail.example.com:.example.net:backupmx.example.com)",
                AnswerRenderer.tagHeader(List.of(decision), AnswerRenderer.MAX_MILTER_HEADER_VALUE_CHARS));
        assertEquals("PREPEND X-STARTTLS-Policy: example.com=enforce(match=mail.example.com:.example.net:backupmx.example.com)",
                AnswerRenderer.policy(decision, PolicyServiceSettings.DEFAULTS.withTagHeader(true)
                        .withHeaderName("X-STARTTLS-Policy")).action());
    }

    @Test
    void aPromisedPolicyStillInFlightIsTemp() {
        Decision pending = new Decision(Verdict.TEMPFAIL, "example.com", null, "policy still being fetched",
                DecisionSource.MTA_STS, null);
        assertEquals("TEMP policy still being fetched",
                AnswerRenderer.socketmap(pending, SocketmapMapSettings.DEFAULTS).wireText());
    }
}
