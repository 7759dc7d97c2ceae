package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.HumanDuration;

/**
 * Holds a request that has started to a deadline: once bytes of a request have arrived, the rest
 * must follow within the request timeout, or the connection is closed. An idle connection between
 * requests has no deadline here (see {@link IdleTimeout}). {@link ConnectionActivity} tells it,
 * after each read has been decoded, whether an incomplete request began in that read (the
 * deadline starts over: pipelined requests each get the full time) or none is left (it stops).
 * A timer exists only while a request is incomplete. As with {@link IdleTimeout}, the event loop's
 * timer only says when to look: the request is cut off once the transport's clock says its time is
 * up, and otherwise the timer is set again for the rest. Used on the channel's event loop only.
 */
final class RequestDeadline implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutNanos;
    private final Ticker clock;
    private ChannelHandlerContext ctx;
    private long startedNanos;
    private ScheduledFuture<?> deadline;

    RequestDeadline(long timeoutNanos, Ticker clock) {
        this.timeoutNanos = timeoutNanos;
        this.clock = clock;
    }

    /**
     * An incomplete request began in the read just decoded: its deadline runs from that read.
     *
     * @param readNanos when the read happened, on the transport's clock
     */
    void restart(ChannelHandlerContext context, long readNanos) {
        stop();
        ctx = context;
        startedNanos = readNanos;
        deadline = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Whether a deadline is running (an incomplete request is being waited for). */
    boolean running() {
        return deadline != null;
    }

    @Override
    public void run() {
        deadline = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long left = timeoutNanos - (clock.nanoTime() - startedNanos);
        if (left > 0) {
            deadline = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
        } else {
            LOG.info("closing {}: a request started and did not finish within {}",
                    Connections.describe(ctx.channel()), HumanDuration.format(Duration.ofNanos(timeoutNanos)));
            ctx.close();
        }
    }

    void stop() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
