package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes a {@link SocketmapReply} as one netstring: {@code LENGTH:PAYLOAD,} with no line ending.
 * A reply carries its netstring encoded when it was made ({@link SocketmapReply}), so writing it is
 * one copy into an I/O buffer of the exact size. Called by {@link SocketmapHandler}, which writes
 * the buffer itself (no encoder stage in the pipeline), into a new buffer or into the read buffer
 * the request came in once the request has been consumed.
 */
final class SocketmapReplyEncoder {
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
        return reply.netstringLength();
    }

    /** Appends the reply's netstring to {@code out}, which has room for {@link #encodedLength}. */
    static void encodeInto(SocketmapReply reply, ByteBuf out) {
        reply.writeNetstring(out);
    }
}
