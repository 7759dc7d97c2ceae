package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection on which nothing was read or written for the idle timeout. The timeout is
 * long on purpose: MTAs keep connections open between lookups and reuse them, and closing them
 * early only turns into reconnects (or, for a client that does not expect it, lookup errors).
 *
 * <p>One timer per connection, not one per read or write: when it fires it compares the last
 * activity {@link ConnectionActivity} stamped with the transport's clock and either closes the
 * connection or sleeps for the rest of the timeout, by that clock (the event loop's timer only
 * says when to look). So reads and writes cost a timestamp and nothing more (no
 * listener per write, as Netty's {@code IdleStateHandler} adds). Used on the channel's event loop only.
 */
final class IdleTimeout implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IdleTimeout.class);

    private final ConnectionActivity activity;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;

    IdleTimeout(ConnectionActivity activity, long timeoutNanos) {
        this.activity = activity;
        this.timeoutNanos = timeoutNanos;
    }

    void start(ChannelHandlerContext context) {
        if (timer == null) {
            ctx = context;
            timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void run() {
        if (timer == null || !ctx.channel().isOpen()) {
            return;
        }
        long idleFor = activity.now() - activity.lastActivityNanos();
        if (idleFor >= timeoutNanos) {
            timer = null;
            LOG.debug("closing idle {}", Connections.describe(ctx.channel()));
            ctx.close();
        } else {
            timer = ctx.executor().schedule(this, timeoutNanos - idleFor, TimeUnit.NANOSECONDS);
        }
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
