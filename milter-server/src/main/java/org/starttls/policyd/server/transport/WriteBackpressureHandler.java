package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading from a client while its replies pile up unread (the channel is over its write
 * high-water mark), and reads again once they drain. Without it, a client that pipelines requests
 * and never reads the answers would make the server buffer replies without bound.
 */
@ChannelHandler.Sharable
public final class WriteBackpressureHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
