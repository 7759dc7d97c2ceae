package org.starttls.policyd.server.policy;

import java.util.Objects;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.RecipientDomain;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.server.metrics.AnswerRecorder;

/**
 * Answers policy delegation requests, independent of the transport. Only
 * {@code request=smtpd_access_policy} at {@code protocol_state=RCPT} is decided, for the domain of
 * {@code recipient=}; everything else is {@code DUNNO}.
 *
 * <ul>
 *   <li>{@code NO_POLICY}: {@code DUNNO}.
 *   <li>{@code REQUIRE_TLS}: {@code DUNNO}, or with header tagging on
 *       {@code PREPEND X-STARTTLS-Policy: example.com mode=enforce match=mx1.example.com:.example.net}
 *       (the domain, the list mode, and the MX patterns as the socketmap sends them; the
 *       {@code match=} part is left out when the header line would pass 998 characters). One
 *       header is added per tagged recipient.
 *   <li>{@code DEFER_DOWNGRADE}: {@code DEFER_IF_PERMIT 4.7.5 example.com: <reason>}.
 *   <li>{@code TEMPFAIL}, or anything thrown while deciding: {@code DEFER_IF_PERMIT 4.3.0
 *       example.com: <reason>}; fail safe, the sender retries.
 * </ul>
 */
public final class PolicyResponder {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyResponder.class);
    /** RFC 5322's line limit for a header line. */
    static final int MAX_HEADER_LINE_CHARS = 998;

    private final ReceiptDecider decider;
    private final PolicyServiceSettings settings;
    private final AnswerRecorder recorder;

    public PolicyResponder(ReceiptDecider decider, PolicyServiceSettings settings) {
        this(decider, settings, AnswerRecorder.NONE);
    }

    /** As above, reporting each answer's action and latency to {@code recorder}. */
    public PolicyResponder(ReceiptDecider decider, PolicyServiceSettings settings, AnswerRecorder recorder) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    public PolicyReply answer(PolicyRequest request) {
        long started = System.nanoTime();
        PolicyReply reply = decide(request);
        recorder.answered(answerKind(reply), System.nanoTime() - started);
        return reply;
    }

    /** How an answer is counted: the action word, with the status code for a deferral ({@code DEFER_IF_PERMIT 4.7.5}). */
    static String answerKind(PolicyReply reply) {
        String[] words = reply.action().split(" ", 3);
        return words[0].equals("DEFER_IF_PERMIT") && words.length > 1 ? words[0] + " " + words[1] : words[0];
    }

    private PolicyReply decide(PolicyRequest request) {
        if (!"smtpd_access_policy".equals(request.request()) || !"RCPT".equalsIgnoreCase(request.protocolState())) {
            return PolicyReply.DUNNO;
        }
        String domain = RecipientDomain.of(request.recipient()).orElse(null);
        if (domain == null) {
            LOG.debug("policy: recipient {} has no listable domain -> DUNNO", request.recipient());
            return PolicyReply.DUNNO;
        }
        Decision decision;
        try {
            decision = decider.decideAtReceipt(domain);
        } catch (RuntimeException e) {
            LOG.warn("policy: deciding for {} failed; deferring", domain, e);
            return PolicyReply.deferIfPermit("4.3.0 " + domain + ": internal error, try again later");
        }
        PolicyReply reply = translate(decision);
        if (reply.action().startsWith("DEFER")) {
            LOG.info("policy: recipient {} -> {} ({})", request.recipient(), reply, decision.reason());
        } else {
            LOG.debug("policy: recipient {} -> {} ({})", request.recipient(), reply, decision.reason());
        }
        return reply;
    }

    private PolicyReply translate(Decision decision) {
        switch (decision.verdict()) {
            case NO_POLICY:
                return PolicyReply.DUNNO;
            case REQUIRE_TLS:
                return settings.tagHeader() ? PolicyReply.prepend(settings.headerName(), headerValue(decision))
                        : PolicyReply.DUNNO;
            case DEFER_DOWNGRADE:
                return PolicyReply.deferIfPermit("4.7.5 " + decision.domain() + ": " + decision.reason());
            case TEMPFAIL:
                return PolicyReply.deferIfPermit("4.3.0 " + decision.domain() + ": " + decision.reason());
            default:
                throw new IllegalStateException("unknown verdict " + decision.verdict());
        }
    }

    private String headerValue(Decision decision) {
        String base = decision.domain() + " mode=" + decision.mode().wireName();
        StringJoiner match = new StringJoiner(":", " match=", "");
        for (MxPattern pattern : decision.policy().mxs()) {
            match.add(pattern.asString());
        }
        String full = base + match;
        int lineLength = settings.headerName().length() + 2 + full.length();
        return lineLength <= MAX_HEADER_LINE_CHARS && full.length() <= PolicyReply.MAX_TEXT_CHARS ? full : base;
    }
}
