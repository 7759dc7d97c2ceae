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
 * itself (no encoder stage in the pipeline), into a new buffer or into the read buffer the request
 * came in once the request has been consumed.
 */
final class SocketmapReplyEncoder {
    /** {@code 9:NOTFOUND ,}. */
    private static final byte[] NOT_FOUND_NETSTRING = "9:NOTFOUND ,".getBytes(StandardCharsets.US_ASCII);

    private SocketmapReplyEncoder() {
    }

    /** The reply as a netstring in a new buffer from {@code alloc}, which the caller writes (and so releases). */
    static ByteBuf encode(ByteBufAllocator alloc, SocketmapReply reply) {
        ByteBuf out = alloc.ioBuffer(encodedLength(reply));
        encodeInto(reply, out);
        return out;
    }

    /** The bytes of the reply's netstring. */
    static int encodedLength(SocketmapReply reply) {
        if (reply.status() == SocketmapReply.Status.NOTFOUND) {
            return NOT_FOUND_NETSTRING.length;
        }
        int length = reply.wireLength();
        return decimalDigits(length) + 1 + length + 1;
    }

    /** Appends the reply's netstring to {@code out}, which has room for {@link #encodedLength}. */
    static void encodeInto(SocketmapReply reply, ByteBuf out) {
        if (reply.status() == SocketmapReply.Status.NOTFOUND) {
            out.writeBytes(NOT_FOUND_NETSTRING);
            return;
        }
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
