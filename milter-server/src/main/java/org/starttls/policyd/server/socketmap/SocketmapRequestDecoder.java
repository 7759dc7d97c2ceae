package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/** Turns each netstring payload into a {@link SocketmapRequest}; the payload buffer is released by the superclass. */
final class SocketmapRequestDecoder extends MessageToMessageDecoder<ByteBuf> {
    public SocketmapRequestDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf payload, List<Object> out) {
        out.add(SocketmapRequest.parse(payload));
    }
}
