package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a request that has started to a deadline: once bytes of a request have arrived, the rest
 * must follow within {@code requestTimeout}, or the connection is closed. An idle connection
 * between requests has no deadline here (see {@link IdleConnectionCloser}).
 *
 * <p>It sits in front of the frame decoder and, after each read has been decoded, asks the
 * decoder ({@link RequestProgress}) whether a request is still incomplete. A deadline runs from
 * the read that started the incomplete request: a read that completes one request and starts the
 * next restarts it, so pipelined requests each get the full time. All state is touched only on the
 * channel's event loop.
 */
public final class RequestDeadlineHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlineHandler.class);

    private final long timeoutNanos;
    private RequestProgress progress;
    private ScheduledFuture<?> deadline;
    private long requestsSeen;

    public RequestDeadlineHandler(Duration requestTimeout) {
        this.timeoutNanos = requestTimeout.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg);
        RequestProgress decoder = progress(ctx);
        if (decoder == null || !ctx.channel().isActive()) {
            return;
        }
        long decoded = decoder.requestsDecoded();
        if (!decoder.requestInProgress()) {
            cancel();
        } else if (deadline == null || decoded != requestsSeen) {
            cancel();
            deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
        requestsSeen = decoded;
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (ctx.channel().isActive()) {
            LOG.info("closing {}: a request started and did not finish within {}",
                    Connections.describe(ctx.channel()), org.starttls.policyd.core.HumanDuration.format(Duration.ofNanos(timeoutNanos)));
            ctx.close();
        }
    }

    private RequestProgress progress(ChannelHandlerContext ctx) {
        if (progress == null) {
            for (java.util.Map.Entry<String, ChannelHandler> entry : ctx.pipeline()) {
                if (entry.getValue() instanceof RequestProgress) {
                    progress = (RequestProgress) entry.getValue();
                    break;
                }
            }
        }
        return progress;
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
