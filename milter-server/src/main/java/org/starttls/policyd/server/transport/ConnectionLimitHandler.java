package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one listening door to its connection limit without locking clients out. At the limit a
 * newcomer is served and the connection idle the longest (no request in progress, see
 * {@link ConnectionActivity}) is closed for it: Postfix reconnects when it finds a cached
 * connection closed, while a refused newcomer is a lookup error and deferred mail. When no
 * connection is idle, the one whose request has been left half-sent the longest is closed instead,
 * once it has been so for {@link #halfSentGraceFor the grace}: real clients write a request whole,
 * and otherwise a handful of half-sent requests would lock every newcomer out until the request
 * deadline, again and again. A connection waiting for our answer is never closed. A newcomer is
 * refused only when every connection is waiting for an answer or within the grace of a request.
 * What happened is logged once per {@link LimitReport#INTERVAL}, not per connection.
 *
 * <p>One instance is shared by all connections of a door, which live on several event loops: a
 * candidate is chosen from what each loop last published, then confirmed idle (or half-sent past
 * the grace) on its own loop before it is closed, and the newcomer is let in once its slot is free. The newcomer reads
 * nothing meanwhile. The grace and the log interval go by the transport's clock, the one its
 * connections' {@link ConnectionActivity} stamps with.
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);
    /** Candidates tried for one newcomer before it is refused (each may turn busy meanwhile). */
    private static final int EVICTION_ATTEMPTS = 4;
    /** The longest a request may stay half-sent before its connection may make room for a newcomer. */
    static final Duration MAX_HALF_SENT_GRACE = Duration.ofSeconds(1);

    private final int maxConnections;
    private final long halfSentGraceNanos;
    private final Ticker clock;
    private final LimitReport report;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<ConnectionActivity> admitted = ConcurrentHashMap.newKeySet();

    /**
     * @param halfSentGrace how long a request must have stayed half-sent before its connection may be closed
     * @param clock the transport's clock, the one the connections' {@link ConnectionActivity} stamps with
     */
    ConnectionLimitHandler(String doorName, int maxConnections, Duration halfSentGrace, Ticker clock) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (halfSentGrace.isNegative()) {
            throw new IllegalArgumentException("halfSentGrace must not be negative");
        }
        this.maxConnections = maxConnections;
        this.halfSentGraceNanos = halfSentGrace.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
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

    /**
     * The grace a door gives a half-sent request before its connection may make room: a second,
     * or half the request deadline when that is shorter.
     */
    public static Duration halfSentGraceFor(Duration requestTimeout) {
        Duration half = requestTimeout.dividedBy(2);
        return half.compareTo(MAX_HALF_SENT_GRACE) < 0 ? half : MAX_HALF_SENT_GRACE;
    }

    /**
     * Closes the longest-idle connection, or failing one the longest half-sent past the grace, and
     * admits {@code ctx} into its slot, or refuses it.
     */
    private void makeRoomFor(ChannelHandlerContext ctx, int attemptsLeft) {
        ConnectionActivity victim = null;
        if (attemptsLeft > 0) {
            victim = longestIdle();
            if (victim == null) {
                victim = longestHalfSent(clock.nanoTime());
            }
        }
        if (victim == null) {
            refuse(ctx);
            return;
        }
        ConnectionActivity chosen = victim;
        chosen.channel().eventLoop().execute(() -> closeToServe(ctx, chosen, attemptsLeft));
    }

    /** On the victim's event loop: confirms it may go, closes it, and admits {@code ctx} once its slot is free. */
    private void closeToServe(ChannelHandlerContext ctx, ConnectionActivity victim, int attemptsLeft) {
        boolean idle = victim.idleNow();
        boolean stalled = !idle && victim.halfSentForNow(halfSentGraceNanos);
        if ((!idle && !stalled) || !victim.channel().isActive() || !admitted.remove(victim)) {
            // Busy since it was chosen, or already closing: try the next one.
            ctx.executor().execute(() -> makeRoomFor(ctx, attemptsLeft - 1));
            return;
        }
        long now = clock.nanoTime();
        log(idle ? report.evicted(now) : report.halfSentClosed(now));
        LOG.debug("closing {} {} to serve {}", idle ? "idle" : "half-sent", Connections.describe(victim.channel()),
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

    /** The connection whose request has been half-sent the longest, if longer than the grace, by what the loops last saw. */
    private ConnectionActivity longestHalfSent(long nowNanos) {
        ConnectionActivity oldest = null;
        for (ConnectionActivity candidate : admitted) {
            if (candidate.looksHalfSent() && nowNanos - candidate.halfSentSinceNanos() >= halfSentGraceNanos
                    && (oldest == null || candidate.halfSentSinceNanos() - oldest.halfSentSinceNanos() < 0)) {
                oldest = candidate;
            }
        }
        return oldest;
    }

    private void refuse(ChannelHandlerContext ctx) {
        log(report.refused(clock.nanoTime()));
        LOG.debug("refusing {}: every connection is busy", Connections.describe(ctx.channel()));
        ctx.close();
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
