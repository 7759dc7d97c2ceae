package org.starttls.policyd.server.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;

/**
 * A milter connection as Postfix's smtpd drives it: option negotiation once, then message after
 * message on the same connection, one outstanding. Each step of a message is sent unless the
 * filter negotiated it away; a step the filter does not answer (MAIL, when it asked for no reply)
 * is written and followed at once by the next, as Postfix does. At end of message header
 * modifications may come before the final answer; a message counts as positive when the filter
 * added a header. Latency is per message: from its first write to the final end-of-message answer.
 */
final class MilterLoopHandler extends ClientLoop {
    private static final byte NOTHING = 0;

    private final ByteBuf offer;
    private final MilterScript.Message[] messages;
    private int next;
    private int protocol = -1;
    private List<MilterScript.Step> steps;
    private int step;
    private byte awaiting = NOTHING;
    private boolean tagged;
    private long startedAt;

    MilterLoopHandler(ByteBuf offer, MilterScript.Message[] messages, int firstMessage, Run run,
            LatencyRecorder latencies) {
        super(run, latencies);
        this.offer = offer;
        this.messages = messages;
        this.next = firstMessage;
    }

    static ClientLoop.Factory factory(MilterScript.Message[] messages) {
        ByteBuf offer = MilterScript.offer();
        return (index, connections, run, latencies) -> new MilterLoopHandler(offer, messages,
                (int) ((long) index * messages.length / connections), run, latencies);
    }

    @Override
    void started(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(offer.duplicate(), ctx.voidPromise());
    }

    @Override
    void replies(ChannelHandlerContext ctx, ByteBuf in) {
        int end;
        while (ctx.channel().isActive() && (end = WireProtocol.MILTER.frameEnd(in)) >= 0) {
            int start = in.readerIndex();
            int dataBytes = end - start - 5;
            byte code = in.getByte(start + 4);
            if (protocol < 0) {
                negotiated(ctx, in, start, code, dataBytes);
            } else {
                in.readerIndex(end);
                answered(ctx, code);
            }
            in.readerIndex(end);
        }
    }

    private void negotiated(ChannelHandlerContext ctx, ByteBuf in, int start, byte code, int dataBytes) {
        if (code != 'O' || dataBytes < 12) {
            failed(ctx, "expected an option negotiation reply, got '" + (char) code + "' of " + dataBytes + " bytes");
            return;
        }
        int version = in.getInt(start + 5);
        if (version != MilterScript.VERSION) {
            failed(ctx, "the filter answered version " + version + "; the load speaks " + MilterScript.VERSION);
            return;
        }
        protocol = in.getInt(start + 13);
        ready();
        startMessage(ctx);
    }

    private void startMessage(ChannelHandlerContext ctx) {
        steps = messages[next].steps();
        next = next + 1 == messages.length ? 0 : next + 1;
        step = 0;
        tagged = false;
        startedAt = System.nanoTime();
        sendUntilAnswerDue(ctx);
    }

    /** Writes steps up to and including the next one the filter answers, then flushes. */
    private void sendUntilAnswerDue(ChannelHandlerContext ctx) {
        while (step < steps.size()) {
            MilterScript.Step current = steps.get(step++);
            if (!current.sent(protocol)) {
                continue;
            }
            ctx.write(current.bytes().duplicate(), ctx.voidPromise());
            if (current.answered(protocol)) {
                awaiting = (byte) current.command();
                ctx.flush();
                return;
            }
        }
        failed(ctx, "a message ended without a step the filter answers");
    }

    private void answered(ChannelHandlerContext ctx, byte code) {
        if (awaiting == NOTHING) {
            failed(ctx, "reply '" + (char) code + "' to nothing");
            return;
        }
        if (awaiting == 'E' && isModification(code)) {
            tagged |= code == 'h' || code == 'i';
            return;
        }
        if (code == 'p') {
            return; // SMFIR_PROGRESS: still working, the answer follows
        }
        if (!isFinal(code)) {
            failed(ctx, "unexpected reply '" + (char) code + "' to '" + (char) awaiting + "'");
            return;
        }
        byte was = awaiting;
        awaiting = NOTHING;
        if (was != 'E') {
            sendUntilAnswerDue(ctx);
        } else if (completed(System.nanoTime() - startedAt, tagged)) {
            startMessage(ctx);
        }
    }

    /** End-of-message actions: add/insert/change header, add/delete recipient, change sender, body, quarantine. */
    private static boolean isModification(byte code) {
        return code == 'h' || code == 'i' || code == 'm' || code == '+' || code == '-' || code == '2'
                || code == 'e' || code == 'b' || code == 'q';
    }

    /** continue, accept, tempfail, reject, reply code, discard. */
    private static boolean isFinal(byte code) {
        return code == 'c' || code == 'a' || code == 't' || code == 'r' || code == 'y' || code == 'd';
    }
}
