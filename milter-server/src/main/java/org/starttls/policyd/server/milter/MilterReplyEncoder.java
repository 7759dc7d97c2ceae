package org.starttls.policyd.server.milter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Frames a {@link MilterReply}: {@code uint32 length} (reply byte + data), reply byte, data. */
@ChannelHandler.Sharable
final class MilterReplyEncoder extends MessageToByteEncoder<MilterReply> {
    public static final MilterReplyEncoder INSTANCE = new MilterReplyEncoder();

    private MilterReplyEncoder() {
        super(MilterReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MilterReply reply, ByteBuf out) {
        out.writeInt(1 + reply.dataLength());
        out.writeByte(reply.code());
        out.writeBytes(reply.dataUnsafe());
    }
}
