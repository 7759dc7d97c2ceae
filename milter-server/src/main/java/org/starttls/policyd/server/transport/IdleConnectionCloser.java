package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection on which nothing was read or written for the idle timeout. The timeout is
 * long on purpose: MTAs keep connections open between lookups and reuse them, and closing them
 * early only turns into reconnects (or, for a client that does not expect it, lookup errors).
 */
public final class IdleConnectionCloser extends IdleStateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IdleConnectionCloser.class);

    public IdleConnectionCloser(Duration idleTimeout) {
        super(0, 0, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        LOG.debug("closing idle {}", Connections.describe(ctx.channel()));
        ctx.close();
    }
}
