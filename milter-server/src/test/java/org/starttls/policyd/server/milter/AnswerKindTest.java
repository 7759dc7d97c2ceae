package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How RCPT answers are named in the counters. */
class AnswerKindTest {
    @Test
    void continueAndReplyCodesAreNamedByCodeAndStatus() {
        assertEquals("continue", MilterSessionHandler.answerKind(MilterReply.CONTINUE));
        assertEquals("451 4.7.5", MilterSessionHandler.answerKind(
                MilterReply.replyCode("451", "4.7.5", "example.com: under a downgrade")));
        assertEquals("451 4.3.0", MilterSessionHandler.answerKind(RecipientReplies.tempfail("example.com", "no list")));
        assertEquals("reply 't'", MilterSessionHandler.answerKind(MilterReply.TEMPFAIL));
    }
}
