package org.starttls.policyd.server.policy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.transport.ReplyProgress;

/**
 * Answers each request as it is decoded, so replies leave in request order. Undecodable input
 * never reaches this handler: the decoder's exception goes to the transport's error handler,
 * which logs and closes without a reply.
 *
 * <p>Without an executor the answer is computed on the event loop (the decision is in memory).
 * With one (a decider that may wait for a downgrade probe) it is computed there, one request at a
 * time per connection, and written back in order; a rejected or failed computation answers a
 * tempfail, never DUNNO.
 */
final class PolicyServiceHandler extends SimpleChannelInboundHandler<PolicyRequest> implements ReplyProgress {
    /** Postfix waits for each answer; a client that sends more unanswered requests than this is closed. */
    static final int MAX_PENDING_REQUESTS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyServiceHandler.class);

    private final Supplier<PolicyResponder> responder;
    private final Executor executor;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private int pending;

    public PolicyServiceHandler(PolicyResponder responder) {
        this(responder, null);
    }

    /** @param executor where answers are computed, or null to compute them on the event loop */
    public PolicyServiceHandler(PolicyResponder responder, Executor executor) {
        this(fixed(responder), executor);
    }

    /**
     * @param responder read once per request, so each request sees the daemon's current settings and list
     * @param executor where answers are computed, or null to compute them on the event loop
     */
    public PolicyServiceHandler(Supplier<PolicyResponder> responder, Executor executor) {
        super(PolicyRequest.class);
        this.responder = Objects.requireNonNull(responder, "responder");
        this.executor = executor;
    }

    private static Supplier<PolicyResponder> fixed(PolicyResponder responder) {
        Objects.requireNonNull(responder, "responder");
        return () -> responder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PolicyRequest request) {
        if (executor == null) {
            ctx.writeAndFlush(responder.get().answer(request));
            return;
        }
        if (pending == MAX_PENDING_REQUESTS) {
            LOG.warn("policy {}: more than {} requests sent without waiting for an answer; closing",
                    ctx.channel().remoteAddress(), MAX_PENDING_REQUESTS);
            ctx.close();
            return;
        }
        pending++;
        // Chained on the previous answer: computed one at a time, written in request order.
        PolicyResponder current = responder.get();
        tail = tail.thenApplyAsync(ignored -> current.answer(request), executor)
                .exceptionally(error -> {
                    LOG.warn("policy {}: answering failed; deferring", ctx.channel().remoteAddress(), error);
                    return PolicyReply.deferIfPermit("4.3.0 internal error, try again later");
                })
                .thenAccept(reply -> ctx.executor().execute(() -> {
                    pending--;
                    if (ctx.channel().isActive()) {
                        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
                    }
                }));
    }

    /** An answer is being computed on the executor (the connection is not idle). */
    @Override
    public boolean replyPending() {
        return pending > 0;
    }
}
