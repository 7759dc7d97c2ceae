package org.starttls.policyd.server.milter;

import org.starttls.policyd.core.engine.Decision;

/** Translates a receipt-time {@link Decision} into the answer to one RCPT. */
final class RecipientReplies {
    private RecipientReplies() {
    }

    /**
     * DEFER_DOWNGRADE: {@code 451 4.7.5 <domain>: <reason>} (this recipient only; the others of
     * the message go on). TEMPFAIL: {@code 451 4.3.0 <domain>: <reason>}. REQUIRE_TLS and
     * NO_POLICY: continue (the socketmap door enforces TLS at delivery).
     */
    static MilterReply forDecision(Decision decision) {
        switch (decision.verdict()) {
            case DEFER_DOWNGRADE:
                return MilterReply.replyCode("451", "4.7.5", decision.domain() + ": " + decision.reason());
            case TEMPFAIL:
                return tempfail(decision.domain(), decision.reason());
            case REQUIRE_TLS:
            case NO_POLICY:
                return MilterReply.CONTINUE;
            default:
                return tempfail(decision.domain(), "unexpected verdict " + decision.verdict());
        }
    }

    static MilterReply tempfail(String domain, String reason) {
        return MilterReply.replyCode("451", "4.3.0", domain + ": " + reason);
    }
}
