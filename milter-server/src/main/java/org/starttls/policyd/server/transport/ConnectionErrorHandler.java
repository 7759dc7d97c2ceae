package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: whatever went wrong on a connection and was not handled by
 * the protocol (garbage, a limit, a peer that reset) is logged in one line and that connection,
 * and only that one, is closed. Nothing is answered here: a protocol that owes the client a reply
 * on error sends it before the exception gets this far.
 */
@ChannelHandler.Sharable
public final class ConnectionErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionErrorHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String connection = Connections.describe(ctx.channel());
        if (cause instanceof IOException) {
            // A client that went away mid-conversation: routine, not an alarm.
            LOG.debug("closing {}: {}", connection, cause.toString());
        } else if (cause instanceof DecoderException) {
            Throwable reason = cause.getCause() != null ? cause.getCause() : cause;
            LOG.warn("closing {}: bad input: {}", connection, reason.getMessage());
        } else {
            LOG.warn("closing {}: {}", connection, cause.toString(), cause);
        }
        ctx.close();
    }
}
