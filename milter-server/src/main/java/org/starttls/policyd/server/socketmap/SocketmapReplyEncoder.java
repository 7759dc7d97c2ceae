package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link SocketmapReply} as one netstring: {@code LENGTH:PAYLOAD,} with no line ending.
 * The text goes straight into an I/O buffer of the exact size (reply data is ASCII, so one char is
 * one byte): no intermediate strings or arrays per answer. {@code NOTFOUND}, most answers, is
 * copied from bytes encoded once. Called by {@link SocketmapHandler}, which writes the buffer
 * itself (no encoder stage in the pipeline).
 */
final class SocketmapReplyEncoder {
    /** {@code 9:NOTFOUND ,}. */
    private static final byte[] NOT_FOUND_NETSTRING = "9:NOTFOUND ,".getBytes(StandardCharsets.US_ASCII);

    private SocketmapReplyEncoder() {
    }

    /** The reply as a netstring in a new buffer from {@code alloc}, which the caller writes (and so releases). */
    static ByteBuf encode(ByteBufAllocator alloc, SocketmapReply reply) {
        if (reply.status() == SocketmapReply.Status.NOTFOUND) {
            return alloc.ioBuffer(NOT_FOUND_NETSTRING.length).writeBytes(NOT_FOUND_NETSTRING);
        }
        int length = reply.wireLength();
        ByteBuf out = alloc.ioBuffer(decimalDigits(length) + 1 + length + 1);
        writeDecimal(out, length);
        out.writeByte(':');
        ByteBufUtil.writeAscii(out, reply.status().name());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, reply.data());
        out.writeByte(',');
        return out;
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
