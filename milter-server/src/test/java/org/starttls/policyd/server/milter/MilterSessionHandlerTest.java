package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.milter.MilterBytes.concat;
import static org.starttls.policyd.server.milter.MilterBytes.cstrings;
import static org.starttls.policyd.server.milter.MilterBytes.frame;
import static org.starttls.policyd.server.milter.MilterBytes.macro;
import static org.starttls.policyd.server.milter.MilterBytes.optneg;
import static org.starttls.policyd.server.milter.MilterBytes.rcpt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.testing.TestLists;
import org.starttls.policyd.server.transport.ConnectionErrorHandler;

class MilterSessionHandlerTest {
    /** What Postfix 3.x offers by default: v6, all actions, all protocol bits. */
    static final byte[] POSTFIX_OFFER = optneg(6, 0x1ff, 0x1fffff);
    static final String POSTFIX_AGREED = "O:00000006" + "00000101" + "000f73f3" + "00000003"
            + MilterBytes.hex(cstrings("{rcpt_addr} {rcpt_host} {rcpt_mailer}"));
    static final byte[] MAIL = frame('M', cstrings("<sender@origin.example>"));
    static final byte[] EOM = frame('E');
    static final byte[] ABORT = frame('A');

    private final TestDecider decider = new TestDecider();

    @Test
    void enforcedRecipientContinuesAndTheMessageIsTagged() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = send(channel, POSTFIX_OFFER, macro('M', "i", "4AbC"), MAIL,
                macro('R', "{rcpt_addr}", "a@example.com"), rcpt("<a@example.com>", "NOTIFY=NEVER"), EOM);
        assertEquals(List.of(POSTFIX_AGREED, "c:",
                "h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com)|", "c:"), replies);
        assertEquals(List.of("example.com"), decider.asked);
        assertFalse(channel.finish());
    }

    @Test
    void aRecipientDomainWithIdnaDotsIsDecidedLikeItsPlainForm() {
        ReceiptDecider realList = ReceiptDecider.listOnly(TestLists.effEngine());
        List<List<String>> replies = new ArrayList<>();
        for (String address : new String[] {"<u@gmail.com>", "<u@gmail.com\u3002>", "<u@GMAIL\uFF0Ecom>", "<u@gmail.com.>"}) {
            EmbeddedChannel channel = new EmbeddedChannel();
            new MilterProtocol(realList, MilterSettings.DEFAULTS.withHeaderTagging(true), null)
                    .addProtocolHandlers(channel.pipeline());
            channel.pipeline().addLast(new ConnectionErrorHandler());
            replies.add(sendAfterOffer(channel, MAIL, rcpt(address), EOM));
            assertFalse(channel.finish());
        }
        assertTrue(replies.get(0).get(1).startsWith("h:X-STARTTLS-Policy|gmail.com=enforce("), replies.get(0).toString());
        for (List<String> reply : replies) {
            assertEquals(replies.get(0), reply);
        }
    }

    @Test
    void unlistedRecipientContinuesWithoutHeader() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of("c:", "c:"), sendAfterOffer(channel, MAIL, rcpt("<b@unlisted.example>"), EOM));
        assertFalse(channel.finish());
    }

    @Test
    void downgradedDomainIsDeferredWithItsReason() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of("y:451 4.7.5 downgraded.example: STARTTLS was stripped on the path to its MX|"),
                sendAfterOffer(channel, MAIL, rcpt("<c@downgraded.example>")));
        assertTrue(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void tempfailVerdictTempfailsTheRecipient() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of("y:451 4.3.0 broken.example: no verified list is loaded yet|"),
                sendAfterOffer(channel, MAIL, rcpt("<d@broken.example>")));
        assertFalse(channel.finish());
    }

    @Test
    void aFailingDeciderTempfailsNeverContinues() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of("y:451 4.3.0 explode.example: policy lookup failed, try again later|",
                        "y:451 4.3.0 null.example: policy lookup failed, try again later|"),
                sendAfterOffer(channel, MAIL, rcpt("<e@explode.example>"), rcpt("<f@null.example>")));
        assertTrue(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void severalRecipientsAreAnsweredOneByOneAndTaggedOncePerDomain() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = sendAfterOffer(channel, MAIL, rcpt("<a@example.com>"), rcpt("<b@unlisted.example>"),
                rcpt("<c@downgraded.example>"), rcpt("<d@example.net>"), rcpt("<e@example.com>"), EOM);
        assertEquals(List.of("c:", "c:", "y:451 4.7.5 downgraded.example: STARTTLS was stripped on the path to its MX|",
                "c:", "c:",
                "h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com); "
                        + "example.net=enforce(match=mx1.example.net:.backup.example.net)|",
                "c:"), replies);
        assertFalse(channel.finish());
    }

    @Test
    void abortForgetsTheMessage() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = sendAfterOffer(channel, MAIL, rcpt("<a@example.com>"), ABORT,
                MAIL, rcpt("<b@unlisted.example>"), EOM);
        assertEquals(List.of("c:", "c:", "c:"), replies);
        assertFalse(channel.finish());
    }

    @Test
    void mailStartsANewMessageEvenWithoutAbort() {
        // Sendmail sends no ABORT when every recipient of a transaction was refused.
        EmbeddedChannel channel = session(true, null);
        List<String> replies = sendAfterOffer(channel, MAIL, rcpt("<a@example.com>"),
                MAIL, rcpt("<b@unlisted.example>"), EOM);
        assertEquals(List.of("c:", "c:", "c:"), replies);
        assertFalse(channel.finish());
    }

    @Test
    void severalMessagesOnOneConnectionAreTaggedSeparately() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = sendAfterOffer(channel, MAIL, rcpt("<a@example.com>"), EOM,
                MAIL, rcpt("<a@example.net>"), EOM);
        assertEquals(List.of("c:", "h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com)|", "c:",
                "c:", "h:X-STARTTLS-Policy|example.net=enforce(match=mx1.example.net:.backup.example.net)|", "c:"), replies);
        assertFalse(channel.finish());
    }

    @Test
    void withTaggingOffNoHeaderIsAddedAndNoneAsked() {
        EmbeddedChannel channel = session(false, null);
        List<String> replies = send(channel, POSTFIX_OFFER, MAIL, rcpt("<a@example.com>"), EOM);
        assertTrue(replies.get(0).startsWith("O:00000006" + "00000100" + "000f73f3"), replies.get(0));
        assertEquals(List.of("c:", "c:"), replies.subList(1, replies.size()));
        assertFalse(channel.finish());
    }

    @Test
    void recipientWithoutDomainFallsBackToTheRcptAddrMacro() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = sendAfterOffer(channel, MAIL,
                macro('R', "{rcpt_addr}", "<alias@downgraded.example>"), rcpt("<postmaster>"),
                rcpt("<postmaster>"));
        // The macro belongs to the RCPT it came with; the second RCPT has none and is local mail.
        assertEquals(List.of("y:451 4.7.5 downgraded.example: STARTTLS was stripped on the path to its MX|", "c:"), replies);
        assertEquals(List.of("downgraded.example"), decider.asked);
        assertFalse(channel.finish());
    }

    @Test
    void anMtaThatCannotSkipStepsGetsAContinueForEach() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = send(channel, optneg(2, 0x01, 0x00),
                frame('C', cstrings("client.example"), new byte[] {'4', 0, 25}, cstrings("192.0.2.1")),
                frame('H', cstrings("client.example")), MAIL, rcpt("<a@example.com>"), frame('T'),
                frame('L', cstrings("Subject", "hi")), frame('N'), frame('B', "body".getBytes()),
                frame('U', cstrings("XFOO")), EOM);
        assertEquals("O:00000002" + "00000001" + "00000000", replies.get(0));
        assertEquals(List.of("c:", "c:", "c:", "c:", "c:", "c:", "c:", "c:", "c:",
                "h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com)|", "c:"), replies.subList(1, replies.size()));
        assertFalse(channel.finish());
    }

    @Test
    void quitClosesTheConnection() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of(), sendAfterOffer(channel, frame('Q')));
        assertFalse(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void quitNewConnectionForgetsEverythingAndAllowsANewNegotiation() {
        EmbeddedChannel channel = session(true, null);
        List<String> replies = sendAfterOffer(channel, MAIL, rcpt("<a@example.com>"), frame('K'),
                POSTFIX_OFFER, MAIL, rcpt("<b@unlisted.example>"), EOM);
        assertEquals(List.of("c:", POSTFIX_AGREED, "c:", "c:"), replies);
        assertTrue(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void commandsBeforeNegotiationCloseTheConnection() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of(), send(channel, rcpt("<a@example.com>")));
        assertFalse(channel.isActive());
        assertTrue(decider.asked.isEmpty());
        assertFalse(channel.finish());
    }

    @Test
    void aSecondNegotiationMidSessionClosesTheConnection() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of("c:"), sendAfterOffer(channel, MAIL, rcpt("<a@x.example>"), POSTFIX_OFFER));
        assertFalse(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void anUnknownCommandByteClosesTheConnectionAsLibmilterDoes() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of(), sendAfterOffer(channel, frame('z', cstrings("what"))));
        assertFalse(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void aFailedNegotiationClosesWithoutReply() {
        EmbeddedChannel channel = session(true, null);
        assertEquals(List.of(), send(channel, optneg(6, 0x1fe, 0x1fffff)));
        assertFalse(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void decisionsOnAnExecutorAnswerInOrderAndHoldLaterCommands() {
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        EmbeddedChannel channel = session(true, queued::add);
        assertEquals(List.of(POSTFIX_AGREED), send(channel, POSTFIX_OFFER));
        List<String> replies = send(channel, MAIL, rcpt("<a@example.com>"), rcpt("<c@downgraded.example>"), EOM);
        assertEquals(List.of(), replies, "nothing may be answered before the decision");
        assertEquals(1, queued.size(), "the second RCPT waits for the first answer");
        queued.poll().run();
        channel.runPendingTasks();
        assertEquals(List.of("c:"), outbound(channel));
        queued.poll().run();
        channel.runPendingTasks();
        assertEquals(List.of("y:451 4.7.5 downgraded.example: STARTTLS was stripped on the path to its MX|",
                "h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com)|", "c:"), outbound(channel));
        assertTrue(queued.isEmpty());
        assertFalse(channel.finish());
    }

    @Test
    void anExecutorThatRefusesWorkTempfails() {
        Executor full = task -> {
            throw new RejectedExecutionException("queue full");
        };
        EmbeddedChannel channel = session(true, full);
        assertEquals(List.of("y:451 4.3.0 example.com: policy lookup failed, try again later|"),
                sendAfterOffer(channel, MAIL, rcpt("<a@example.com>")));
        assertFalse(channel.finish());
    }

    private EmbeddedChannel session(boolean tagging, Executor executor) {
        // The door's own handlers, then the transport's last handler, which closes on errors.
        EmbeddedChannel channel = new EmbeddedChannel();
        new MilterProtocol(decider, MilterSettings.DEFAULTS.withHeaderTagging(tagging), executor)
                .addProtocolHandlers(channel.pipeline());
        channel.pipeline().addLast(new ConnectionErrorHandler());
        return channel;
    }

    private static List<String> sendAfterOffer(EmbeddedChannel channel, byte[]... frames) {
        List<String> agreed = send(channel, POSTFIX_OFFER);
        assertEquals(List.of(POSTFIX_AGREED), agreed);
        return send(channel, frames);
    }

    /** Writes the frames in one buffer, as an MTA's pipelined no-reply commands would arrive. */
    private static List<String> send(EmbeddedChannel channel, byte[]... frames) {
        ByteBuf in = Unpooled.wrappedBuffer(concat(frames));
        channel.writeInbound(in);
        assertEquals(0, in.refCnt());
        return outbound(channel);
    }

    private static List<String> outbound(EmbeddedChannel channel) {
        List<String> replies = new ArrayList<>();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            replies.add(MilterBytes.describe(MilterBytes.drain(out)));
        }
        return replies;
    }
}
