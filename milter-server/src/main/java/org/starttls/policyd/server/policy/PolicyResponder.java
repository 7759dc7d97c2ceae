package org.starttls.policyd.server.policy;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.RecipientDomain;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.metrics.AnswerRecorder;

/**
 * Answers policy delegation requests, independent of the transport. Only
 * {@code request=smtpd_access_policy} at {@code protocol_state=RCPT} is decided, for the domain of
 * {@code recipient=}; everything else is {@code DUNNO}. {@link AnswerRenderer#policy} writes the
 * answer:
 *
 * <ul>
 *   <li>{@code NO_POLICY}: {@code DUNNO}.
 *   <li>{@code REQUIRE_TLS}: {@code DUNNO}, or with header tagging on
 *       {@code PREPEND X-STARTTLS-Policy: example.com=enforce(match=mx1.example.com:.example.net)}
 *       (the tag header the milter adds too, with one entry; the {@code (match=...)} part is left
 *       out when it does not fit). One header is added per tagged recipient. The deciding source
 *       may be the list, a local override, a cached MTA-STS policy, or DANE ({@code DANE_ONLY},
 *       {@code DANE}: {@code example.com=dane-only}, no patterns).
 *   <li>{@code DANE_ONLY}, {@code DANE} with tagging off: {@code DUNNO}.
 *   <li>{@code DEFER_DOWNGRADE}: {@code DEFER_IF_PERMIT 4.7.5 example.com: <reason>}.
 *   <li>{@code TEMPFAIL}, or anything thrown while deciding: {@code DEFER_IF_PERMIT 4.3.0
 *       example.com: <reason>}; fail safe, the sender retries.
 * </ul>
 */
public final class PolicyResponder {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyResponder.class);

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
        recorder.answered(AnswerRenderer.label(reply), System.nanoTime() - started);
        return reply;
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
            return AnswerRenderer.policyInternalError(domain);
        }
        PolicyReply reply = AnswerRenderer.policy(decision, settings);
        recorder.decidedBy(decision.source());
        if (reply.action().startsWith("DEFER")) {
            LOG.info("policy: recipient {} -> {} ({})", request.recipient(), reply, decision.reason());
        } else {
            LOG.debug("policy: recipient {} -> {} ({})", request.recipient(), reply, decision.reason());
        }
        return reply;
    }
}
