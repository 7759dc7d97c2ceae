package org.starttls.policyd.server.socketmap;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a responder gives for one socketmap request: a reply now (a {@link SocketmapReply} is its
 * own immediate answer, so the common, cached path allocates nothing more) or a reply that
 * completes later ({@link #later}), e.g. after a DNS and HTTPS fetch.
 *
 * <p>The door writes replies strictly in request order, whatever order pending answers complete
 * in, and a pending answer never blocks the event loop: its completion may come from any thread
 * and is handed back to the connection's loop. A pending answer that completes exceptionally, is
 * cancelled, completes with {@code null}, or is still pending at the door's request deadline is
 * answered {@code TEMP} (the MTA defers), never {@code NOTFOUND}. When the connection closes first,
 * the door cancels the stage's future ({@link CompletionStage#toCompletableFuture()}) and forgets it.
 */
public sealed interface SocketmapAnswer permits SocketmapReply, SocketmapAnswer.Pending {

    /** A reply that completes later; {@code reply} should complete normally (outcomes, not exceptions). */
    static SocketmapAnswer later(CompletionStage<SocketmapReply> reply) {
        return new Pending(reply);
    }

    /** The reply if it is known now, else null. */
    SocketmapReply immediate();

    /** An answer still being worked out. */
    final class Pending implements SocketmapAnswer {
        private final CompletionStage<SocketmapReply> reply;

        private Pending(CompletionStage<SocketmapReply> reply) {
            this.reply = Objects.requireNonNull(reply, "reply");
        }

        /** The reply to come. */
        public CompletionStage<SocketmapReply> reply() {
            return reply;
        }

        @Override
        public SocketmapReply immediate() {
            return null;
        }

        @Override
        public String toString() {
            return "pending " + reply;
        }
    }
}
