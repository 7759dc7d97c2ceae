package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one listening door to its connection limit without locking clients out. At the limit a
 * newcomer is served and the connection idle the longest (no request in progress, see
 * {@link ConnectionActivity}) is closed for it: Postfix reconnects when it finds a cached
 * connection closed, while a refused newcomer is a lookup error and deferred mail. A newcomer is
 * refused only when every connection is in the middle of a request; those end within the request
 * deadline. What happened is logged once per {@link LimitReport#INTERVAL}, not per connection.
 *
 * <p>One instance is shared by all connections of a door, which live on several event loops: a
 * candidate is chosen from what each loop last published, then confirmed idle on its own loop
 * before it is closed, and the newcomer is let in once its slot is free. The newcomer reads
 * nothing meanwhile.
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);
    /** Candidates tried for one newcomer before it is refused (each may turn busy meanwhile). */
    private static final int EVICTION_ATTEMPTS = 4;

    private final int maxConnections;
    private final LimitReport report;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<ConnectionActivity> admitted = ConcurrentHashMap.newKeySet();

    public ConnectionLimitHandler(String doorName, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        this.maxConnections = maxConnections;
        this.report = new LimitReport(doorName, maxConnections, LimitReport.INTERVAL);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (reserveSlot()) {
            admit(ctx);
            return;
        }
        // No reads until the newcomer is admitted: its protocol has not seen channelActive yet.
        ctx.channel().config().setAutoRead(false);
        makeRoomFor(ctx, EVICTION_ATTEMPTS);
    }

    private boolean reserveSlot() {
        while (true) {
            int now = open.get();
            if (now >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void admit(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        ConnectionActivity activity = channel.pipeline().get(ConnectionActivity.class);
        if (activity != null) {
            admitted.add(activity);
        }
        channel.closeFuture().addListener(f -> {
            if (activity != null) {
                admitted.remove(activity);
            }
            open.decrementAndGet();
        });
        ctx.fireChannelActive();
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    /** Closes the longest-idle connection and admits {@code ctx} into its slot, or refuses it. */
    private void makeRoomFor(ChannelHandlerContext ctx, int attemptsLeft) {
        ConnectionActivity victim = attemptsLeft > 0 ? longestIdle() : null;
        if (victim == null) {
            refuse(ctx);
            return;
        }
        victim.channel().eventLoop().execute(() -> {
            if (!victim.idleNow() || !victim.channel().isActive() || !admitted.remove(victim)) {
                // Busy since it was chosen, or already closing: try the next one.
                ctx.executor().execute(() -> makeRoomFor(ctx, attemptsLeft - 1));
                return;
            }
            log(report.evicted(ticker(ctx)));
            LOG.debug("closing idle {} to serve {}", Connections.describe(victim.channel()),
                    Connections.describe(ctx.channel()));
            victim.channel().close().addListener(closed -> ctx.executor().execute(() -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (reserveSlot()) {
                    admit(ctx);
                } else {
                    // Another newcomer took the slot first.
                    makeRoomFor(ctx, attemptsLeft - 1);
                }
            }));
        });
    }

    private ConnectionActivity longestIdle() {
        ConnectionActivity oldest = null;
        for (ConnectionActivity candidate : admitted) {
            if (candidate.looksIdle()
                    && (oldest == null || candidate.lastActivityNanos() - oldest.lastActivityNanos() < 0)) {
                oldest = candidate;
            }
        }
        return oldest;
    }

    private void refuse(ChannelHandlerContext ctx) {
        log(report.refused(ticker(ctx)));
        LOG.debug("refusing {}: every connection is busy", Connections.describe(ctx.channel()));
        ctx.close();
    }

    private static long ticker(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }

    private static void log(String line) {
        if (line != null) {
            LOG.warn(line);
        }
    }

    /** Connections currently counted against the limit. */
    public int openConnections() {
        return open.get();
    }
}
