package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/** Writes a {@link SocketmapReply} as one netstring: {@code LENGTH:PAYLOAD,} with no line ending. */
@ChannelHandler.Sharable
final class SocketmapReplyEncoder extends MessageToByteEncoder<SocketmapReply> {
    public SocketmapReplyEncoder() {
        super(SocketmapReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SocketmapReply reply, ByteBuf out) {
        byte[] payload = reply.wireBytes();
        out.writeCharSequence(Integer.toString(payload.length), StandardCharsets.US_ASCII);
        out.writeByte(':');
        out.writeBytes(payload);
        out.writeByte(',');
    }
}
