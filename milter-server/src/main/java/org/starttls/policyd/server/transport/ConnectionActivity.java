package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Map;

/**
 * The transport's one handler on every connection's request path: it stamps each read and write,
 * keeps the idle timeout ({@link IdleTimeout}) and the request deadline ({@link RequestDeadline}),
 * and tells the door's connection limit which connections are idle. One handler with two timers
 * rather than three handlers: a request passes one transport stage, with one clock reading, and no
 * write gets a listener.
 *
 * <p>A connection is idle when no request is in progress: no bytes of an incomplete request
 * ({@link RequestProgress}) and no answer still owed ({@link ReplyProgress}). {@link #idleNow()}
 * asks the protocol and must run on the channel's event loop; {@link #lastActivityNanos()} and
 * {@link #looksIdle()} are what the loop last saw, readable from any thread, good for choosing a
 * candidate that {@link #idleNow()} then confirms (see {@link ConnectionLimitHandler}).
 *
 * <p>It also records when a connection's incomplete request began, with no answer of ours owed:
 * MTAs, scrapers and {@code policyctl} write a request whole, so one left half-sent past a short
 * grace is a stalled or hostile client, and the limit may close it for a newcomer too.
 *
 * <p>Every time here is read from the transport's clock ({@link ServerFactory}'s, the system's
 * {@code nanoTime} unless a test hands in one it moves), which the door's connection limit reads
 * too: the stamps, the timers' verdicts and the half-sent grace all go by it.
 */
final class ConnectionActivity extends ChannelDuplexHandler {
    private static final VarHandle LAST_ACTIVITY;

    static {
        try {
            LAST_ACTIVITY = MethodHandles.lookup().findVarHandle(ConnectionActivity.class, "lastActivityNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ticker clock;
    private final IdleTimeout idleTimeout;
    private final RequestDeadline requestDeadline;
    private Channel channel;
    private RequestProgress requests;
    private ReplyProgress replies;
    /** Written by the event loop only (release: a plain store), read by the limit from any thread. */
    private volatile long lastActivityNanos;
    private volatile boolean looksIdle = true;
    private volatile boolean looksHalfSent;
    private volatile long halfSentSinceNanos;
    private long requestsSeen;
    /** Inside a read: writes made now are stamped by the read. */
    private boolean reading;

    /**
     * @param idleTimeout a connection with nothing read or written for this long is closed
     * @param requestTimeout a request whose first byte arrived this long ago and is still incomplete closes the connection
     * @param clock the transport's clock
     */
    ConnectionActivity(Duration idleTimeout, Duration requestTimeout, Ticker clock) {
        this.clock = clock;
        this.idleTimeout = new IdleTimeout(this, idleTimeout.toNanos());
        this.requestDeadline = new RequestDeadline(requestTimeout.toNanos(), clock);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        lastActivityNanos = now();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long now = now();
        for (Map.Entry<String, ChannelHandler> entry : ctx.pipeline()) {
            if (requests == null && entry.getValue() instanceof RequestProgress) {
                requests = (RequestProgress) entry.getValue();
            }
            if (replies == null && entry.getValue() instanceof ReplyProgress) {
                replies = (ReplyProgress) entry.getValue();
            }
        }
        record(now);
        idleTimeout.start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long readAt = now();
        boolean wasPartial = requests != null && requests.requestInProgress();
        reading = true;
        try {
            ctx.fireChannelRead(msg);
        } finally {
            reading = false;
        }
        afterRead(ctx, readAt, wasPartial);
        record(readAt);
    }

    /*
     * An incomplete request begins at the read that brought its first byte: a read that finishes
     * one request and starts the next begins a new one, with a deadline of its own.
     */
    private void afterRead(ChannelHandlerContext ctx, long readAt, boolean wasPartial) {
        if (requests == null) {
            return;
        }
        long decoded = requests.requestsDecoded();
        if (!requests.requestInProgress()) {
            requestDeadline.stop();
        } else {
            boolean began = !wasPartial || decoded != requestsSeen;
            if (began) {
                halfSentSinceNanos = readAt;
            }
            if ((began || !requestDeadline.running()) && ctx.channel().isActive()) {
                requestDeadline.restart(ctx, readAt);
            }
        }
        requestsSeen = decoded;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        if (!reading) {
            // A reply made outside a read (an answer that completed later): a stamp of its own.
            record(now());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimers();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopTimers();
    }

    private void stopTimers() {
        idleTimeout.stop();
        requestDeadline.stop();
    }

    /*
     * The time is taken when the event happens, not after the protocol has handled it: by then
     * the reply may have reached the client, and another connection's later request may already
     * have been stamped on its own loop. A later stamp never goes back.
     */
    private void record(long eventNanos) {
        if (eventNanos - lastActivityNanos > 0) {
            LAST_ACTIVITY.setRelease(this, eventNanos);
        }
        idleNow();
    }

    /** The transport's clock now. */
    long now() {
        return clock.nanoTime();
    }

    Channel channel() {
        return channel;
    }

    /** When the connection last read or wrote, on the transport's clock. */
    long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** What the event loop last saw: no request in progress then. */
    boolean looksIdle() {
        return looksIdle;
    }

    /** What the event loop last saw: an incomplete request read, and no answer owed. */
    boolean looksHalfSent() {
        return looksHalfSent;
    }

    /** When the incomplete request began (its first byte was read), on the transport's clock. */
    long halfSentSinceNanos() {
        return halfSentSinceNanos;
    }

    /** Whether no request is in progress right now (and publishes it); call on the channel's event loop. */
    boolean idleNow() {
        boolean partial = requests != null && requests.requestInProgress();
        boolean owed = replies != null && replies.replyPending();
        boolean halfSent = partial && !owed;
        boolean idle = !partial && !owed;
        // Stored only when they change: a volatile store is a fence, and they rarely change.
        if (looksHalfSent != halfSent) {
            looksHalfSent = halfSent;
        }
        if (looksIdle != idle) {
            looksIdle = idle;
        }
        return idle;
    }

    /**
     * Whether the client left a request half-sent for at least {@code graceNanos}, with no answer
     * of ours owed (and publishes what it sees); call on the channel's event loop.
     */
    boolean halfSentForNow(long graceNanos) {
        idleNow();
        return looksHalfSent && now() - halfSentSinceNanos >= graceNanos;
    }
}
