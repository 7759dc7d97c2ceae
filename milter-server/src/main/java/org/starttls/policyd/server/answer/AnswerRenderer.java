package org.starttls.policyd.server.answer;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.StsBasis;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.milter.MilterCommand;
import org.starttls.policyd.server.milter.MilterReply;
import org.starttls.policyd.server.policy.PolicyReply;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/**
 * The one writer of every answer form: what a {@link Decision} becomes at each door, the text of
 * those answers, the tag header both receipt-time doors add, the static tables
 * {@code policyctl export} writes, and the label each answer is counted under. Doors and the CLI
 * only call it, so the socketmap, the exported table and {@code policyctl lookup} can never
 * disagree on a {@code secure match=...} value, nor the policy door and the milter on a header.
 *
 * <p>Forms:
 * <ul>
 *   <li>TLS policy value ({@code smtp_tls_policy_maps}, Sendmail STS):
 *       {@code secure match=mx1.example.com:.example.net servername=hostname}; the MX patterns in
 *       list order, joined by {@code :}; {@code servername=hostname} per map setting. A policy
 *       always has at least one pattern ({@link TlsPolicy} refuses none), so {@code match=} is
 *       never empty. For an MTA-STS policy ({@link #stsSecureValue}) the patterns are the
 *       policy's in Postfix's form ({@code *.example.com} becomes {@code .example.com}), at most
 *       100 of them, and a map with {@code tlsrpt: true} adds Postfix 3.10's TLSRPT attributes.
 *   <li>Tag header value: {@code example.com=enforce(match=mx1.example.com:.example.net)}, one
 *       entry per domain joined by {@code "; "}; an entry whose patterns do not fit is written
 *       without them ({@code example.com=enforce}); entries that do not fit at all are counted
 *       ({@code ; +3 more}). The policy door adds one header per recipient (one entry), the
 *       milter one per message.
 *   <li>Receipt-time deferrals: {@code 4.7.5 example.com: <reason>} for a known downgrade,
 *       {@code 4.3.0 example.com: <reason>} when no safe answer is known; as
 *       {@code DEFER_IF_PERMIT} text or a milter {@code 451} reply code.
 * </ul>
 */
public final class AnswerRenderer {
    /** The milter's tag header value: with a name of at most 64 characters the line stays under 998. */
    public static final int MAX_MILTER_HEADER_VALUE_CHARS = 900;
    /** An MTA-STS answer carries at most this many of the policy's MX patterns. */
    public static final int MAX_STS_MX_PATTERNS = StsAnswer.MAX_MX_PATTERNS;
    /** The answers that name no patterns, made (and encoded) once. */
    private static final SocketmapReply DANE_ONLY = SocketmapReply.ok("dane-only");
    private static final SocketmapReply DANE = SocketmapReply.ok("dane");
    private static final SocketmapReply ENCRYPT = SocketmapReply.ok("encrypt");
    /** Kept in place of a policy's reply whose value is too long for one (the door answers {@code TEMP}, naming the domain). */
    private static final SocketmapReply KEPT_TOO_LONG = SocketmapReply.temp("too long");

    /**
     * What a policy keeps as its reply carrying {@code value}: {@code OK value}, or a marker when
     * the value does not fit a reply, so that a value too long is found out once, not per request.
     * {@link #usable} turns what was kept back into the reply.
     */
    static SocketmapReply toKeep(String value) {
        return SocketmapReply.fitsOk(value) ? SocketmapReply.ok(value) : KEPT_TOO_LONG;
    }

    /** The reply {@link #toKeep} made, or null when its value did not fit one. */
    static SocketmapReply usable(SocketmapReply kept) {
        return kept == KEPT_TOO_LONG ? null : kept;
    }

    private static final int MORE_SUFFIX_CHARS = "; +99999 more".length();
    private static final String DOWNGRADE_STATUS = "4.7.5";
    private static final String TEMPFAIL_STATUS = "4.3.0";

    private AnswerRenderer() {
    }

    // ---- socketmap (delivery time) ----

    /** The socketmap reply for a decision under one map's settings (also what {@code policyctl lookup} shows). */
    public static SocketmapReply socketmap(Decision decision, SocketmapMapSettings settings) {
        switch (decision.verdict()) {
            case REQUIRE_TLS:
            case DEFER_DOWNGRADE:
                // At delivery a known downgrade changes nothing: requiring TLS is what defers.
                if (decision.source() == DecisionSource.MTA_STS) {
                    // Kept with the cached policy: the same reply object for every request.
                    SocketmapReply ok = StsAnswer.okReply(decision.sts(), settings.servername(), settings.tlsrpt());
                    return ok != null ? ok : tooLong(decision);
                }
                if (decision.source() == DecisionSource.DANE) {
                    return DANE_ONLY; // a dane-only domain under a downgrade
                }
                if (decision.source() == DecisionSource.OVERRIDE) {
                    String overridden = secureValue(decision.override().match(), settings.servername());
                    return SocketmapReply.fitsOk(overridden) ? SocketmapReply.ok(overridden) : tooLong(decision);
                }
                // Kept with the list's policy, as for MTA-STS: the same reply object for every request.
                SocketmapReply listed = ListAnswer.okReply(decision.policy(), settings.servername());
                return listed != null ? listed : tooLong(decision);
            case DANE_ONLY:
                // No TLSRPT attributes: Postfix reports DANE itself.
                return DANE_ONLY;
            case DANE:
                return DANE;
            case ENCRYPT:
                return ENCRYPT;
            case NO_POLICY:
                return SocketmapReply.notFound();
            case TEMPFAIL:
                return SocketmapReply.temp(decision.reason());
            default:
                throw new IllegalStateException("unknown verdict " + decision.verdict());
        }
    }

    /**
     * The reply of map {@code mapName}: as {@link #socketmap(Decision, SocketmapMapSettings)}, except
     * that Sendmail's map {@code sts} takes {@code secure} answers only (its rulesets check nothing
     * else), so a local override that asks for more than it can say fails closed there:
     * {@code encrypt} and {@code dane-only} become {@code TEMP} (the mail waits, the log says why;
     * give Sendmail a {@code secure} override, or {@code TLS_Rcpt:} in its access map), while
     * {@code dane} becomes {@code NOTFOUND}, as for any domain on that map, which is never asked
     * DANE: Sendmail does DANE itself where its {@code DANE} option is on.
     */
    public static SocketmapReply socketmap(String mapName, Decision decision, SocketmapMapSettings settings) {
        if (decision.source() == DecisionSource.OVERRIDE && SocketmapMapSettings.SENDMAIL_MAP_NAME.equals(mapName)) {
            switch (decision.verdict()) {
                case ENCRYPT:
                case DANE_ONLY:
                    return SocketmapReply.temp("the local override of " + decision.domain() + " ("
                            + decision.override().policy().wireName() + ") cannot be said to Sendmail's sts map, which "
                            + "takes secure only");
                case DANE:
                    return SocketmapReply.notFound();
                default:
                    break;
            }
        }
        return socketmap(decision, settings);
    }

    private static SocketmapReply tooLong(Decision decision) {
        return SocketmapReply.temp("policy for " + decision.domain() + " is longer than " + SocketmapReply.MAX_REPLY_BYTES
                + " bytes");
    }

    /** {@code secure match=mx1.example.com:.example.net}, then {@code servername=hostname} when asked. */
    public static String secureValue(TlsPolicy policy, boolean servername) {
        return secureValue(policy.mxs(), servername);
    }

    /** As above, for a local override's {@code match} patterns (never empty: the file refuses that). */
    public static String secureValue(List<MxPattern> patterns, boolean servername) {
        String value = "secure match=" + matchList(patterns);
        return servername ? value + " servername=hostname" : value;
    }

    /**
     * The answer for an MTA-STS policy: {@code secure match=mx1.example.com:.example.com}, then
     * {@code servername=hostname} when asked, then with {@code tlsrpt} Postfix 3.10's TLSRPT
     * attributes ({@code policy_type=sts policy_domain=... mx_host_pattern=*.example.com ...
     * { policy_string = ... }}; see {@link StsAnswer}). {@code match=} is never empty: a policy
     * that requires TLS has at least one valid pattern.
     */
    public static String stsSecureValue(StsBasis sts, boolean servername, boolean tlsrpt) {
        // Rendered once per cached policy and form, not per request.
        return StsAnswer.secureValue(sts, servername, tlsrpt);
    }

    /** Whether an answer for this policy leaves out some of its MX patterns (more than an answer carries). */
    public static boolean stsPatternsCapped(StsBasis sts) {
        return StsAnswer.capped(sts);
    }

    /** The policy's MX patterns as a Postfix {@code match=} list: {@code mx1.example.com:.example.net}. */
    static String matchList(TlsPolicy policy) {
        return matchList(policy.mxs());
    }

    private static String matchList(List<MxPattern> patterns) {
        StringJoiner match = new StringJoiner(":");
        for (MxPattern pattern : patterns) {
            match.add(pattern.asString());
        }
        return match.toString();
    }

    /**
     * A Sendmail access-map requirement ({@code TLS_Rcpt:DOMAIN} value): {@code VERIFY+CN:name} for
     * a single exact MX name, else {@code VERIFY} (an access-map entry holds one name, so several
     * names or wildcards cannot be pinned).
     */
    public static String sendmailAccessRequirement(TlsPolicy policy) {
        if (policy.mxs().size() == 1 && !policy.mxs().get(0).isWildcard()) {
            return "VERIFY+CN:" + policy.mxs().get(0).asString();
        }
        return "VERIFY";
    }

    // ---- policy delegation (receipt time) ----

    /**
     * The policy delegation answer: {@code DUNNO} for no policy; for a required TLS, {@code DUNNO}
     * or, with tagging on, {@code PREPEND name: example.com=enforce(match=...)}; a downgrade or a
     * tempfail defers with its status code.
     */
    public static PolicyReply policy(Decision decision, PolicyServiceSettings settings) {
        switch (decision.verdict()) {
            case NO_POLICY:
                return PolicyReply.DUNNO;
            case REQUIRE_TLS:
            case ENCRYPT:
            case DANE_ONLY:
            case DANE:
                // DANE is Postfix's to verify at delivery; at receipt it is only tagged.
                if (!settings.tagHeader()) {
                    return PolicyReply.DUNNO;
                }
                int room = Math.min(PolicyReply.MAX_TEXT_CHARS, HeaderField.MAX_LINE_CHARS - settings.headerName().length() - 2);
                return PolicyReply.prepend(settings.headerName(), tagHeader(List.of(decision), room));
            case DEFER_DOWNGRADE:
                return PolicyReply.deferIfPermit(deferral(DOWNGRADE_STATUS, decision.domain(), decision.reason()));
            case TEMPFAIL:
                return PolicyReply.deferIfPermit(deferral(TEMPFAIL_STATUS, decision.domain(), decision.reason()));
            default:
                throw new IllegalStateException("unknown verdict " + decision.verdict());
        }
    }

    /** The policy door's answer when deciding threw: defer, never {@code DUNNO}. */
    public static PolicyReply policyInternalError(String domain) {
        return PolicyReply.deferIfPermit(deferral(TEMPFAIL_STATUS, domain, "internal error, try again later"));
    }

    // ---- milter (receipt time) ----

    /**
     * The answer to one RCPT: DEFER_DOWNGRADE {@code 451 4.7.5 <domain>: <reason>} (this recipient
     * only; the others of the message go on), TEMPFAIL {@code 451 4.3.0 <domain>: <reason>},
     * REQUIRE_TLS and NO_POLICY continue (the socketmap door enforces TLS at delivery).
     */
    public static MilterReply milterRecipient(Decision decision) {
        switch (decision.verdict()) {
            case DEFER_DOWNGRADE:
                return milterDeferral(DOWNGRADE_STATUS, decision.domain(), decision.reason());
            case TEMPFAIL:
                return milterDeferral(TEMPFAIL_STATUS, decision.domain(), decision.reason());
            case REQUIRE_TLS:
            case ENCRYPT:
            case NO_POLICY:
            case DANE_ONLY:
            case DANE:
                return MilterReply.CONTINUE;
            default:
                return milterDeferral(TEMPFAIL_STATUS, decision.domain(), "unexpected verdict " + decision.verdict());
        }
    }

    private static MilterReply milterDeferral(String status, String domain, String reason) {
        return MilterReply.replyCode("451", status, domain + ": " + reason);
    }

    private static String deferral(String status, String domain, String reason) {
        return status + " " + domain + ": " + reason;
    }

    // ---- the tag header (policy door and milter) ----

    /**
     * The tag header value for these REQUIRE_TLS decisions (each carries its policy; a local
     * override's {@code encrypt} and DANE's verdicts are tagged too, without patterns:
     * {@code domain=override-encrypt}, {@code domain=dane-only}), at most
     * {@code maxChars} long: {@code a.example=enforce(match=mx.a.example); b.example=testing(match=.b.example)}.
     */
    public static String tagHeader(Collection<Decision> decisions, int maxChars) {
        if (decisions.isEmpty()) {
            throw new IllegalArgumentException("a tag header needs at least one decision");
        }
        StringBuilder value = new StringBuilder();
        int left = decisions.size();
        for (Decision decision : decisions) {
            int room = (left == 1 ? maxChars : maxChars - MORE_SUFFIX_CHARS) - value.length()
                    - (value.length() == 0 ? 0 : 2);
            String entry = headerEntry(decision, room);
            if (entry == null) {
                break;
            }
            value.append(value.length() == 0 ? "" : "; ").append(entry);
            left--;
        }
        if (left == 0) {
            return value.toString();
        }
        String more = "+" + left + " more";
        return value.length() == 0 ? more : value + "; " + more;
    }

    /** {@code domain=mode(match=...)}, or {@code domain=mode} when that does not fit, or null. */
    private static String headerEntry(Decision decision, int room) {
        String domainAndMode = PrintableText.of(decision.domain(), HeaderField.MAX_LINE_CHARS) + "=" + decision.decidingMode();
        int remaining = room - domainAndMode.length();
        if (remaining < 0) {
            return null;
        }
        if (decision.verdict() == Verdict.ENCRYPT || decision.verdict() == Verdict.DANE_ONLY
                || decision.verdict() == Verdict.DANE) {
            return domainAndMode; // no patterns: Postfix judges these MXes by their TLSA records
        }
        String match = "(match=" + (decision.source() == DecisionSource.MTA_STS ? StsAnswer.matchList(decision.sts())
                : decision.source() == DecisionSource.OVERRIDE ? matchList(decision.override().match())
                : matchList(decision.policy())) + ")";
        return match.length() <= remaining ? domainAndMode + match : domainAndMode;
    }

    // ---- metric labels ----

    /** A socketmap answer's label: its status ({@code OK}, {@code NOTFOUND}, {@code TEMP}, {@code PERM}, {@code TIMEOUT}). */
    public static String label(SocketmapReply reply) {
        return reply.status().name();
    }

    /** A policy answer's label: the action word, with the status code for a deferral ({@code DEFER_IF_PERMIT 4.7.5}). */
    public static String label(PolicyReply reply) {
        String action = reply.action();
        int space = action.indexOf(' ');
        String word = space < 0 ? action : action.substring(0, space);
        if (!word.equals("DEFER_IF_PERMIT") || space < 0) {
            return word;
        }
        int next = action.indexOf(' ', space + 1);
        return next < 0 ? action : action.substring(0, next);
    }

    /** A milter RCPT answer's label: {@code continue}, or the reply code and status ({@code 451 4.7.5}). */
    public static String label(MilterReply reply) {
        if (reply.code() == 'c') {
            return "continue";
        }
        if (reply.code() == 'y') {
            String text = new String(reply.data(), StandardCharsets.US_ASCII);
            int second = text.indexOf(' ', text.indexOf(' ') + 1);
            return second > 0 ? text.substring(0, second) : text.strip();
        }
        return "reply " + MilterCommand.printable(reply.code());
    }
}
