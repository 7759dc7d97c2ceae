package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link SocketmapReply} as one netstring: {@code LENGTH:PAYLOAD,} with no line ending.
 * The text goes straight into a buffer of the exact size (reply data is ASCII, so one char is one
 * byte): no intermediate strings or arrays per answer. {@code NOTFOUND}, most answers, is written
 * from one shared buffer that was encoded once: no allocation and no release per answer.
 */
@ChannelHandler.Sharable
final class SocketmapReplyEncoder extends MessageToByteEncoder<SocketmapReply> {
    /** {@code 9:NOTFOUND ,}; never released, each write sends a duplicate with its own indexes. */
    private static final ByteBuf NOT_FOUND_NETSTRING = Unpooled.unreleasableBuffer(encoded(SocketmapReply.notFound()));

    public SocketmapReplyEncoder() {
        super(SocketmapReply.class);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof SocketmapReply && ((SocketmapReply) msg).status() == SocketmapReply.Status.NOTFOUND) {
            ctx.write(NOT_FOUND_NETSTRING.duplicate(), promise);
            return;
        }
        super.write(ctx, msg, promise);
    }

    private static ByteBuf encoded(SocketmapReply reply) {
        int length = reply.wireLength();
        ByteBuf out = Unpooled.directBuffer(decimalDigits(length) + 1 + length + 1);
        writeNetstring(reply, out);
        return out;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, SocketmapReply reply, boolean preferDirect) {
        int length = reply.wireLength();
        int size = decimalDigits(length) + 1 + length + 1;
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SocketmapReply reply, ByteBuf out) {
        writeNetstring(reply, out);
    }

    private static void writeNetstring(SocketmapReply reply, ByteBuf out) {
        writeDecimal(out, reply.wireLength());
        out.writeByte(':');
        ByteBufUtil.writeAscii(out, reply.status().name());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, reply.data());
        out.writeByte(',');
    }

    static int decimalDigits(int value) {
        int digits = 1;
        for (int rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    private static void writeDecimal(ByteBuf out, int value) {
        for (int unit = pow10(decimalDigits(value) - 1); unit > 0; unit /= 10) {
            out.writeByte('0' + (value / unit) % 10);
        }
    }

    private static int pow10(int exponent) {
        int result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= 10;
        }
        return result;
    }
}
