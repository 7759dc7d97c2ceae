package org.starttls.policyd.server.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The milter baseline: frames commands by their length prefix and answers with fixed frames, doing
 * no decoding or deciding. It agrees to what policyd agrees to for Postfix's offer (version 6, add
 * headers and the RCPT macro request, the same steps skipped and the same left unanswered), so the
 * client runs the same dialogue against both; it answers continue to every command that expects an
 * answer, and never adds a header.
 */
final class MilterBaselineHandler extends ChannelInboundHandlerAdapter {
    /** SMFIF_ADDHDRS | SMFIF_SETSYMLIST. */
    static final int AGREED_ACTIONS = 0x101;
    /** policyd's answer to {@link MilterScript#OFFER_PROTOCOL}: no connect/HELO/headers/EOH/body/unknown/DATA, no reply to MAIL. */
    static final int AGREED_PROTOCOL = 0x000f73f3;
    private static final int MACRO_STAGE_RCPT = 3;
    private static final ByteBuf NEGOTIATED = MilterScript.shared(MilterScript.frame('O',
            MilterScript.ints(MilterScript.VERSION, AGREED_ACTIONS, AGREED_PROTOCOL, MACRO_STAGE_RCPT),
            MilterScript.cstrings("{rcpt_addr} {rcpt_host} {rcpt_mailer}")));
    private static final ByteBuf CONTINUE = MilterScript.shared(MilterScript.frame('c'));

    private ByteBuf cumulation;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        cumulation = ctx.alloc().buffer(1024);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            cumulation.writeBytes(in);
        } finally {
            in.release();
        }
        boolean answered = false;
        int end;
        while ((end = WireProtocol.MILTER.frameEnd(cumulation)) >= 0) {
            byte command = cumulation.getByte(cumulation.readerIndex() + 4);
            cumulation.readerIndex(end);
            ByteBuf reply = replyTo(command);
            if (command == 'Q') {
                ctx.close();
                return;
            }
            if (reply != null) {
                ctx.write(reply.duplicate(), ctx.voidPromise());
                answered = true;
            }
        }
        cumulation.discardReadBytes();
        if (answered) {
            ctx.flush();
        }
    }

    /** The fixed answer to {@code command}, or null for the commands that get none under the agreed protocol. */
    private static ByteBuf replyTo(byte command) {
        switch (command) {
            case 'O':
                return NEGOTIATED;
            case 'D': // macros
            case 'A': // abort
            case 'K': // quit, keep the connection
            case 'Q':
                return null;
            case 'M':
                return (AGREED_PROTOCOL & MilterScript.NR_MAIL) != 0 ? null : CONTINUE;
            default:
                return CONTINUE;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cumulation.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
