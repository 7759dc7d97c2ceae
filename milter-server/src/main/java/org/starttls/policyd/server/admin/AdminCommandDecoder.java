package org.starttls.policyd.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.starttls.policyd.server.transport.RequestProgress;

/**
 * One admin command per line, at most {@link AdminProtocol#MAX_COMMAND_BYTES}. As the transport's
 * {@link RequestProgress}, a command is in progress from its first byte to its newline, so a
 * client that sends half a command and waits is cut off at the request deadline.
 */
final class AdminCommandDecoder extends LineBasedFrameDecoder implements RequestProgress {
    private long commandsDecoded;

    AdminCommandDecoder() {
        super(AdminProtocol.MAX_COMMAND_BYTES, true, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        Object line = super.decode(ctx, buffer);
        if (line != null) {
            commandsDecoded++;
        }
        return line;
    }

    @Override
    public boolean requestInProgress() {
        return actualReadableBytes() > 0;
    }

    @Override
    public long requestsDecoded() {
        return commandsDecoded;
    }
}
