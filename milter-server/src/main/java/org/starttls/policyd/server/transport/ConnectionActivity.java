package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.Map;

/**
 * Per connection: when it last read or wrote, and whether it is idle, so that a door at its
 * connection limit can close the connection idle the longest instead of refusing a newcomer (see
 * {@link ConnectionLimitHandler}).
 *
 * <p>A connection is idle when no request is in progress: no bytes of an incomplete request
 * ({@link RequestProgress}) and no answer still owed ({@link ReplyProgress}). {@link #idleNow()}
 * asks the protocol and must run on the channel's event loop; {@link #lastActivityNanos()} and
 * {@link #looksIdle()} are what the loop last saw, readable from any thread, good for choosing a
 * candidate that {@link #idleNow()} then confirms.
 *
 * <p>It also records when a connection's incomplete request began, with no answer of ours owed:
 * MTAs, scrapers and {@code policyctl} write a request whole, so one left half-sent past a short
 * grace is a stalled or hostile client, and the limit may close it for a newcomer too.
 */
final class ConnectionActivity extends ChannelDuplexHandler {
    private Channel channel;
    private RequestProgress requests;
    private ReplyProgress replies;
    private volatile long lastActivityNanos;
    private volatile boolean looksIdle = true;
    private volatile boolean looksHalfSent;
    private volatile long halfSentSinceNanos;
    private long requestsSeen;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        lastActivityNanos = ctx.executor().ticker().nanoTime();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long now = now(ctx);
        for (Map.Entry<String, ChannelHandler> entry : ctx.pipeline()) {
            if (requests == null && entry.getValue() instanceof RequestProgress) {
                requests = (RequestProgress) entry.getValue();
            }
            if (replies == null && entry.getValue() instanceof ReplyProgress) {
                replies = (ReplyProgress) entry.getValue();
            }
        }
        record(now);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long readAt = now(ctx);
        boolean wasPartial = requests != null && requests.requestInProgress();
        ctx.fireChannelRead(msg);
        noteRequestStart(readAt, wasPartial);
        record(readAt);
    }

    /*
     * An incomplete request begins at the read that brought its first byte: a read that finishes
     * one request and starts the next begins a new one, as the request deadline counts it.
     */
    private void noteRequestStart(long readAt, boolean wasPartial) {
        if (requests == null) {
            return;
        }
        long decoded = requests.requestsDecoded();
        if (requests.requestInProgress() && (!wasPartial || decoded != requestsSeen)) {
            halfSentSinceNanos = readAt;
        }
        requestsSeen = decoded;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long writtenAt = now(ctx);
        ctx.write(msg, promise);
        record(writtenAt);
    }

    /*
     * The time is taken when the event happens, not after the protocol has handled it: by then
     * the reply may have reached the client, and another connection's later request may already
     * have been stamped on its own loop. A later stamp never goes back.
     */
    private void record(long eventNanos) {
        if (eventNanos - lastActivityNanos > 0) {
            lastActivityNanos = eventNanos;
        }
        idleNow();
    }

    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }

    Channel channel() {
        return channel;
    }

    /** When the connection last read or wrote, on its event loop's ticker. */
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

    /** When the incomplete request began (its first byte was read), on the event loop's ticker. */
    long halfSentSinceNanos() {
        return halfSentSinceNanos;
    }

    /** Whether no request is in progress right now (and publishes it); call on the channel's event loop. */
    boolean idleNow() {
        boolean partial = requests != null && requests.requestInProgress();
        boolean owed = replies != null && replies.replyPending();
        looksHalfSent = partial && !owed;
        looksIdle = !partial && !owed;
        return looksIdle;
    }

    /**
     * Whether the client left a request half-sent for at least {@code graceNanos}, with no answer
     * of ours owed (and publishes what it sees); call on the channel's event loop.
     */
    boolean halfSentForNow(long graceNanos) {
        idleNow();
        return looksHalfSent && channel.eventLoop().ticker().nanoTime() - halfSentSinceNanos >= graceNanos;
    }
}
