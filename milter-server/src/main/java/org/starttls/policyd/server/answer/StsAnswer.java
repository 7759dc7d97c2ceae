package org.starttls.policyd.server.answer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.starttls.policyd.core.engine.StsBasis;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/**
 * The parts of a socketmap answer that come from an MTA-STS policy: the {@code match=} list and
 * Postfix 3.10's TLSRPT attributes (TLSRPT_README, "MTA-STS Support via smtp_tls_policy_maps"):
 *
 * <pre>
 * policy_type=sts policy_domain=example.com mx_host_pattern=mx1.example.com mx_host_pattern=*.example.com
 * { policy_string = version: STSv1 } { policy_string = mode: enforce } ...
 * </pre>
 *
 * <p>The MX patterns are validated host names (policy-core refuses anything else), so they need no
 * escaping; an STS {@code *.example.com} is sent as Postfix's {@code .example.com} in
 * {@code match=} (any depth: see docs/mta-sts.md) and kept as {@code *.example.com} in
 * {@code mx_host_pattern=}. The policy's lines are untrusted text: Postfix reads
 * {@code { name = value }} up to the matching brace, with no escape, so every character that is
 * not printable ASCII or is a brace is written as {@code ?}, white space around it is dropped, and
 * a line left empty is skipped. Only the first {@link #MAX_MX_PATTERNS} patterns are sent, and the
 * policy strings only when all of them fit in {@link #MAX_POLICY_STRING_CHARS}: the reply stays
 * well under the socketmap limit of 100000 bytes whatever the policy file holds.
 */
final class StsAnswer {
    /** A policy with more MX patterns than this is answered with the first ones (no real domain has near this many). */
    static final int MAX_MX_PATTERNS = 100;
    /** All {@code policy_string} attributes together; left out when they would not fit. */
    static final int MAX_POLICY_STRING_CHARS = 30_000;

    private StsAnswer() {
    }

    /**
     * {@code secure match=...}, then {@code servername=hostname} when asked, then the TLSRPT
     * attributes when asked: rendered once per basis and form (see {@link Rendered}).
     */
    static String secureValue(StsBasis sts, boolean servername, boolean tlsrpt) {
        return rendered(sts).secureValue(sts, servername, tlsrpt);
    }

    /** The socketmap reply {@code OK <secureValue>}, kept like the value; null when it does not fit a reply. */
    static SocketmapReply okReply(StsBasis sts, boolean servername, boolean tlsrpt) {
        return rendered(sts).okReply(sts, servername, tlsrpt);
    }

    /** {@code mx1.example.com:.example.com}: the policy's patterns in Postfix's {@code match=} form. */
    static String matchList(StsBasis sts) {
        return rendered(sts).matchList;
    }

    /** The TLSRPT attributes, starting with {@code policy_type=sts}. */
    static String tlsrptAttributes(StsBasis sts) {
        return rendered(sts).tlsrptAttributes(sts);
    }

    private static Rendered rendered(StsBasis sts) {
        return sts.rendering(Rendered.class, Rendered::new);
    }

    /**
     * The answer text of one basis, kept with it ({@link StsBasis#rendering}): a cached policy is
     * asked for on every delivery to its domain, and its text changes only with the policy, which
     * then comes as a new basis. The {@code match=} list is made at once (every answer needs it);
     * the TLSRPT attributes and each of the four {@code secure} forms when first asked (most
     * daemons use one or two forms; a policy's strings may be up to 30,000 characters).
     */
    private static final class Rendered {
        private final String matchList;
        private volatile String tlsrpt;
        /** Indexed by {@link #form}. */
        private final AtomicReferenceArray<String> secure = new AtomicReferenceArray<>(4);
        /**
         * The replies carrying {@link #secure}, one field per form, as {@link AnswerRenderer#toKeep}
         * made them: fields, not an array, since the door reads one on every request and an array
         * is one more object to reach, likely not in the processor's cache.
         */
        private volatile SocketmapReply plainReply;
        private volatile SocketmapReply servernameReply;
        private volatile SocketmapReply tlsrptReply;
        private volatile SocketmapReply servernameTlsrptReply;

        Rendered(StsBasis sts) {
            Set<String> match = new LinkedHashSet<>();
            for (StsMxPattern pattern : patterns(sts)) {
                match.add(pattern.toPostfixMatch());
            }
            this.matchList = String.join(":", match);
        }

        String tlsrptAttributes(StsBasis sts) {
            String made = tlsrpt;
            if (made == null) {
                made = renderTlsrpt(sts);
                tlsrpt = made;
            }
            return made;
        }

        SocketmapReply okReply(StsBasis sts, boolean servername, boolean withTlsrpt) {
            SocketmapReply made = withTlsrpt ? (servername ? servernameTlsrptReply : tlsrptReply)
                    : (servername ? servernameReply : plainReply);
            if (made == null) {
                String value = secureValue(sts, servername, withTlsrpt);
                made = AnswerRenderer.toKeep(value);
                keep(made, servername, withTlsrpt);
            }
            return AnswerRenderer.usable(made);
        }

        private void keep(SocketmapReply reply, boolean servername, boolean withTlsrpt) {
            if (withTlsrpt) {
                if (servername) {
                    servernameTlsrptReply = reply;
                } else {
                    tlsrptReply = reply;
                }
            } else if (servername) {
                servernameReply = reply;
            } else {
                plainReply = reply;
            }
        }

        private static int form(boolean servername, boolean withTlsrpt) {
            return (servername ? 1 : 0) | (withTlsrpt ? 2 : 0);
        }

        String secureValue(StsBasis sts, boolean servername, boolean withTlsrpt) {
            int form = form(servername, withTlsrpt);
            String made = secure.get(form);
            if (made == null) {
                StringBuilder value = new StringBuilder("secure match=").append(matchList);
                if (servername) {
                    value.append(" servername=hostname");
                }
                if (withTlsrpt) {
                    value.append(' ').append(tlsrptAttributes(sts));
                }
                made = value.toString();
                secure.set(form, made);
            }
            return made;
        }
    }

    private static String renderTlsrpt(StsBasis sts) {
        StringBuilder out = new StringBuilder("policy_type=sts policy_domain=").append(sts.policyDomain());
        for (StsMxPattern pattern : patterns(sts)) {
            out.append(" mx_host_pattern=").append(pattern.toStsForm());
        }
        StringBuilder strings = new StringBuilder();
        for (String line : sts.policy().lines()) {
            String value = policyStringValue(line);
            if (!value.isEmpty()) {
                strings.append(" { policy_string = ").append(value).append(" }");
            }
            if (strings.length() > MAX_POLICY_STRING_CHARS) {
                return out.toString();
            }
        }
        return out.append(strings).toString();
    }

    /** A policy line made safe inside {@code { policy_string = ... }}. */
    static String policyStringValue(String line) {
        StringBuilder value = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                value.append(' ');
            } else if (c < 0x20 || c > 0x7e || c == '{' || c == '}') {
                value.append('?');
                if (Character.isHighSurrogate(c) && i + 1 < line.length() && Character.isLowSurrogate(line.charAt(i + 1))) {
                    i++;
                }
            } else {
                value.append(c);
            }
        }
        return value.toString().strip();
    }

    private static List<StsMxPattern> patterns(StsBasis sts) {
        List<StsMxPattern> mx = sts.policy().mx();
        return mx.size() <= MAX_MX_PATTERNS ? mx : new ArrayList<>(mx.subList(0, MAX_MX_PATTERNS));
    }

    /** Whether the policy has more patterns than an answer carries. */
    static boolean capped(StsBasis sts) {
        return sts.policy().mx().size() > MAX_MX_PATTERNS;
    }
}
