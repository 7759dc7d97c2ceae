package org.starttls.policyd.server.socketmap;

import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's replies that must wait for an earlier one, in request order: a reply that is
 * ready but has a pending answer before it, a pending answer ({@link SocketmapAnswer#later}), or
 * the {@code PERM} that ends the connection. A reply leaves, through {@link SocketmapHandler},
 * when everything before it has left.
 *
 * <p>A pending answer completes on any thread; its completion is handed to the connection's event
 * loop. One that fails, is cancelled or completes with null is answered {@code TEMP internal
 * error}; one still pending at the request deadline {@code TEMP no answer in time}, and its future
 * is cancelled. {@link #abandon} (the connection closed) cancels every pending answer and its
 * deadline; whatever completes later is ignored. Used on the channel's event loop only, except
 * for the completions, which only hand over.
 */
final class ReplyQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyQueue.class);

    private final SocketmapHandler handler;
    private final ChannelHandlerContext ctx;
    private final long deadlineNanos;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(4);
    private boolean abandoned;

    ReplyQueue(SocketmapHandler handler, ChannelHandlerContext ctx, long deadlineNanos) {
        this.handler = handler;
        this.ctx = ctx;
        this.deadlineNanos = deadlineNanos;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    /** A reply that is known but must wait for the ones before it. */
    void addReady(SocketmapReply reply) {
        Waiting place = new Waiting(null, null);
        place.reply = reply;
        waiting.addLast(place);
    }

    /** The {@code PERM} for a malformed request: the connection closes once it has been written. */
    void addRefusal(SocketmapReply refusal) {
        Waiting place = new Waiting(null, null);
        place.reply = refusal;
        place.closeAfter = true;
        waiting.addLast(place);
    }

    /** An answer that completes later; {@code source} counts a {@code TEMP} the door makes for it. */
    void addPending(SocketmapRequest request, SocketmapAnswerSource source, CompletionStage<SocketmapReply> reply) {
        Waiting place = new Waiting(request, source);
        waiting.addLast(place);
        place.await(reply);
    }

    /** The connection is gone: cancels everything pending and forgets it. */
    void abandon() {
        abandoned = true;
        for (Waiting place : waiting) {
            place.abandon();
        }
        waiting.clear();
    }

    /** Writes the ready replies at the head, then lets the handler flush. */
    private void drain() {
        while (!abandoned && !waiting.isEmpty() && waiting.peekFirst().reply != null) {
            Waiting head = waiting.pollFirst();
            if (head.closeAfter) {
                handler.writeRefusal(head.reply);
                break;
            }
            handler.writeReply(head.reply);
        }
        handler.drained();
    }

    /** One place in the queue. */
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
            // Runs at once, here on the event loop, when the stage is already complete.
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
            if (reply != null || abandoned) {
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
            drain();
        }

        private void expire() {
            deadline = null;
            if (reply != null || abandoned) {
                return;
            }
            LOG.warn("socketmap {} -> TEMP: no answer within the request deadline", request);
            reply = SocketmapReply.temp("no answer in time");
            source.answeredByDoor(reply);
            cancelPending();
            drain();
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
            } catch (UnsupportedOperationException notAFuture) {
                // It cannot be cancelled; its late completion is ignored.
            }
        }
    }
}
