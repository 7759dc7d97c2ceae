package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections of one listening door and closes a new one over the limit before the
 * protocol sees it. One instance is shared by all connections of a door.
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);

    private final String doorName;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimitHandler(String doorName, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        this.doorName = doorName;
        this.maxConnections = maxConnections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        int now = open.incrementAndGet();
        if (now > maxConnections) {
            open.decrementAndGet();
            LOG.warn("{}: refusing {}: {} connections open, the limit is {}",
                    doorName, Connections.describe(ctx.channel()), now - 1, maxConnections);
            ctx.close();
            return;
        }
        ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
        ctx.fireChannelActive();
    }

    /** Connections currently counted against the limit. */
    public int openConnections() {
        return open.get();
    }
}
