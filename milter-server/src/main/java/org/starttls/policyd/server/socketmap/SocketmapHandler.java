package org.starttls.policyd.server.socketmap;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.transport.ReplyProgress;

/**
 * Answers each decoded request and writes the replies strictly in request order, however many
 * requests a client pipelines and in whatever order pending answers ({@link SocketmapAnswer#later})
 * complete.
 *
 * <p>The fast path, an immediate answer with nothing waiting before it, is written at once with
 * no allocation here; replies written during one read burst are flushed once, when the burst ends
 * ({@code channelReadComplete}). Otherwise the request takes a place in the connection's queue of
 * waiting replies; a reply leaves when everything before it has left. A pending answer completes on
 * any thread and is handed back to the connection's event loop. It is answered {@code TEMP} when
 * it fails, is cancelled or completes with null, and when it is still pending after the request
 * deadline. With {@link #MAX_WAITING_REPLIES} replies waiting the connection stops reading (a read
 * already under way is still decoded, so a queue may briefly hold one read's worth more) and reads
 * again once the queue is below the cap. A connection that closes cancels and forgets whatever is
 * pending.
 *
 * <p>A request that breaks the protocol gets {@code PERM}, after the replies owed before it, and
 * the connection is closed; other errors go on to the transport's error handler. While any reply
 * is waiting the connection is busy ({@link ReplyProgress}), so the connection limit never closes
 * it as idle.
 */
final class SocketmapHandler extends ChannelInboundHandlerAdapter implements ReplyProgress {
    /** Replies a connection may have waiting before it stops reading; Postfix waits for each answer. */
    static final int MAX_WAITING_REPLIES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(SocketmapHandler.class);

    private final Supplier<? extends SocketmapAnswerSource> answers;
    private final long deadlineNanos;
    private ChannelHandlerContext ctx;
    /** Replies that must wait for an earlier one; null until a connection first needs it. */
    private ArrayDeque<Waiting> queue;
    private boolean failed;
    private boolean closed;
    private boolean flushDue;
    private boolean readsHeld;

    /**
     * @param answers read once per request, so each request sees the daemon's current settings and list
     * @param requestDeadline how long a pending answer may take before it is answered {@code TEMP}
     */
    SocketmapHandler(Supplier<? extends SocketmapAnswerSource> answers, Duration requestDeadline) {
        this.answers = Objects.requireNonNull(answers, "answers");
        this.deadlineNanos = requestDeadline.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SocketmapRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed || closed) {
            return;
        }
        SocketmapRequest request = (SocketmapRequest) msg;
        SocketmapAnswerSource source = answers.get();
        SocketmapAnswer answer;
        try {
            answer = source.answer(request);
        } catch (RuntimeException e) {
            LOG.warn("socketmap {} -> TEMP internal error", request, e);
            answer = internalError(source);
        }
        SocketmapReply now = answer.immediate();
        if (now != null && (queue == null || queue.isEmpty())) {
            ctx.write(now, ctx.voidPromise());
            flushDue = true;
            return;
        }
        Waiting waiting = new Waiting(request, source);
        queue().addLast(waiting);
        if (now != null) {
            waiting.reply = now;
        } else {
            waiting.await(((SocketmapAnswer.Pending) answer).reply());
        }
        if (queue.size() >= MAX_WAITING_REPLIES && !readsHeld) {
            readsHeld = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private static SocketmapReply internalError(SocketmapAnswerSource source) {
        SocketmapReply temp = SocketmapReply.temp("internal error");
        source.answeredByDoor(temp);
        return temp;
    }

    private ArrayDeque<Waiting> queue() {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        return queue;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushDue) {
            flushDue = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Writes the replies at the head of the queue that are ready; on the event loop. */
    private void drain() {
        while (!closed && !queue.isEmpty() && queue.peekFirst().reply != null) {
            Waiting head = queue.pollFirst();
            if (head.closeAfter) {
                ctx.write(head.reply).addListener(ChannelFutureListener.CLOSE);
                flushDue = true;
                break;
            }
            ctx.write(head.reply, ctx.voidPromise());
            flushDue = true;
        }
        if (readsHeld && queue.size() < MAX_WAITING_REPLIES && !failed) {
            readsHeld = false;
            // The write back-pressure keeps reads off while the client is not reading our replies.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof DecoderException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (failed) {
            return;
        }
        failed = true;
        Throwable reason = cause.getCause() != null ? cause.getCause() : cause;
        LOG.info("socketmap: closing connection from {} after a malformed request: {}",
                ctx.channel().remoteAddress(), reason.getMessage());
        SocketmapReply refusal = SocketmapReply.perm("malformed request: " + reason.getMessage());
        SocketmapAnswerSource source = answers.get();
        source.answeredByDoor(refusal);
        if (queue == null || queue.isEmpty()) {
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // After the replies owed to the requests before it.
        ctx.channel().config().setAutoRead(false);
        Waiting last = new Waiting(null, source);
        last.reply = refusal;
        last.closeAfter = true;
        queue.addLast(last);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        forgetWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        forgetWaiting();
    }

    private void forgetWaiting() {
        closed = true;
        if (queue == null) {
            return;
        }
        for (Waiting waiting : queue) {
            waiting.abandon();
        }
        queue.clear();
    }

    /** A reply is owed and not written yet (the connection is busy, not idle). */
    @Override
    public boolean replyPending() {
        return queue != null && !queue.isEmpty();
    }

    /** One place in the queue: a reply that is ready but must wait, or a pending answer. */
    private final class Waiting implements BiConsumer<SocketmapReply, Throwable> {
        private final SocketmapRequest request;
        private final SocketmapAnswerSource source;
        private SocketmapReply reply;
        private boolean closeAfter;
        private CompletionStage<SocketmapReply> pending;
        private ScheduledFuture<?> deadline;

        Waiting(SocketmapRequest request, SocketmapAnswerSource source) {
            this.request = request;
            this.source = source;
        }

        void await(CompletionStage<SocketmapReply> stage) {
            pending = stage;
            deadline = ctx.executor().schedule(this::expire, deadlineNanos, TimeUnit.NANOSECONDS);
            // May run at once, here on the event loop, when the stage is already complete.
            stage.whenComplete(this);
        }

        /** The stage completed, on whatever thread completed it. */
        @Override
        public void accept(SocketmapReply result, Throwable error) {
            if (ctx.executor().inEventLoop()) {
                settle(result, error);
                return;
            }
            try {
                ctx.executor().execute(() -> settle(result, error));
            } catch (RejectedExecutionException stopping) {
                // The event loop is shutting down: the connection goes with it, no reply is owed.
            }
        }

        private void settle(SocketmapReply result, Throwable error) {
            if (reply != null || closed) {
                return;
            }
            cancelDeadline();
            if (result != null && error == null) {
                reply = result;
            } else {
                if (error != null) {
                    LOG.warn("socketmap {} -> TEMP: answering failed", request, error);
                }
                reply = SocketmapReply.temp("internal error");
                source.answeredByDoor(reply);
            }
            drainAndFlush();
        }

        private void expire() {
            deadline = null;
            if (reply != null || closed) {
                return;
            }
            LOG.warn("socketmap {} -> TEMP: no answer within the request deadline", request);
            reply = SocketmapReply.temp("no answer in time");
            source.answeredByDoor(reply);
            cancelPending();
            drainAndFlush();
        }

        private void drainAndFlush() {
            drain();
            if (flushDue) {
                flushDue = false;
                ctx.flush();
            }
        }

        void abandon() {
            cancelDeadline();
            if (reply == null) {
                cancelPending();
            }
        }

        private void cancelDeadline() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        private void cancelPending() {
            if (pending == null) {
                return;
            }
            try {
                pending.toCompletableFuture().cancel(false);
            } catch (UnsupportedOperationException notCancellable) {
                // A stage that cannot be a future: its late completion is ignored (reply is set or the connection closed).
            }
        }
    }
}
