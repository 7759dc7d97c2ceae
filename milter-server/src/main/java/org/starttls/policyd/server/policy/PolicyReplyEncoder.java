package org.starttls.policyd.server.policy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/** Writes {@code action=...\n\n}. */
@ChannelHandler.Sharable
final class PolicyReplyEncoder extends MessageToByteEncoder<PolicyReply> {
    public PolicyReplyEncoder() {
        super(PolicyReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PolicyReply reply, ByteBuf out) {
        out.writeCharSequence(reply.wireText(), StandardCharsets.US_ASCII);
    }
}
