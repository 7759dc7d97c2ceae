package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.transport.ReplyProgress;
import org.starttls.policyd.server.transport.RequestProgress;

/**
 * The socketmap door's one stage per connection: frames each netstring ({@link NetstringFramer}),
 * parses it ({@link SocketmapRequestDecoder}), asks for its answer and writes the reply
 * ({@link SocketmapReplyEncoder}), straight from the read buffer. One stage instead of a decoder,
 * a request handler and an encoder: no message objects between stages, no output list, one write.
 *
 * <p>Replies leave strictly in request order, however many requests a client pipelines and in
 * whatever order pending answers ({@link SocketmapAnswer#later}) complete. The fast path, an
 * immediate answer with nothing waiting before it, is written at once; everything written during
 * one read burst is flushed once, when the burst ends ({@code channelReadComplete}). Otherwise
 * the reply takes its place in the connection's {@link ReplyQueue}. With
 * {@link #MAX_WAITING_REPLIES} replies waiting the connection stops reading (the read under way is
 * still answered, so a queue may briefly hold one read's worth more) and reads again once the
 * queue is below the cap. A connection that closes cancels and forgets whatever is pending.
 *
 * <p>A request that breaks the protocol gets {@code PERM}, after the replies owed before it, and
 * the connection is closed; nothing after it is read. While a request is incomplete
 * ({@link RequestProgress}) or any reply is owed ({@link ReplyProgress}) the connection is busy,
 * so the connection limit never closes it as idle.
 */
final class SocketmapHandler extends ChannelInboundHandlerAdapter implements RequestProgress, ReplyProgress {
    /** Replies a connection may have waiting before it stops reading; Postfix waits for each answer. */
    static final int MAX_WAITING_REPLIES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(SocketmapHandler.class);

    private final Supplier<? extends SocketmapAnswerSource> answers;
    private final long deadlineNanos;
    private final NetstringFramer framer = new NetstringFramer(SocketmapProtocol.MAX_QUERY_BYTES);
    private final SocketmapRequestDecoder decoder = new SocketmapRequestDecoder();
    private ChannelHandlerContext ctx;
    /** Bytes of an incomplete netstring, kept between reads; null when a read ended on a boundary. */
    private ByteBuf cumulation;
    /** Null until a connection first has a reply that must wait. */
    private ReplyQueue queue;
    private boolean failed;
    private boolean closed;
    private boolean flushDue;
    private boolean readsHeld;
    /** Inside {@link #channelRead}. */
    private boolean inRead;
    /** The latest reply of the current read, not written yet (see {@link #writeReply}). */
    private SocketmapReply held;

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
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf data = (ByteBuf) msg;
        if (failed || closed) {
            data.release();
            return;
        }
        ByteBuf in = cumulation == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, data);
        cumulation = null;
        inRead = true;
        try {
            int length;
            while (!failed && !closed && (length = framer.next(in)) >= 0) {
                answer(in, in.readerIndex() - length - 1, length);
            }
        } catch (SocketmapCodecException e) {
            refuse(e);
        } finally {
            inRead = false;
            if (in.isReadable() && !failed && !closed) {
                cumulation = in;
                writeHeld();
            } else if (!replyInto(in)) {
                writeHeld();
                in.release();
            }
        }
    }

    /**
     * Writes the reply held back during the read into the buffer the request came in, when the
     * request bytes are all consumed and the reply fits: the buffer is ours, so the reply costs no
     * allocation (and the write releases it). False, and nothing done, when that cannot be.
     */
    private boolean replyInto(ByteBuf in) {
        if (held == null || closed || in.refCnt() != 1 || in.isReadOnly()
                || SocketmapReplyEncoder.encodedLength(held) > in.capacity()) {
            return false;
        }
        in.clear();
        SocketmapReplyEncoder.encodeInto(held, in);
        held = null;
        ctx.write(in, ctx.voidPromise());
        flushDue = true;
        return true;
    }

    private void answer(ByteBuf in, int index, int length) {
        boolean bytesAtHand = decoder.read(in, index, length);
        String mapName = decoder.mapName();
        SocketmapAnswerSource source = answers.get();
        SocketmapAnswer answer;
        try {
            answer = bytesAtHand
                    ? source.answerAscii(mapName, decoder.keyBytes(), decoder.keyOffset(), decoder.keyLength())
                    : null;
            if (answer == null) {
                answer = source.answer(mapName, decoder.key());
            }
        } catch (RuntimeException e) {
            LOG.warn("socketmap {} {} -> TEMP internal error", mapName, decoder.key(), e);
            SocketmapReply temp = SocketmapReply.temp("internal error");
            source.answeredByDoor(temp);
            answer = temp;
        }
        SocketmapReply now = answer.immediate();
        if (queue == null || queue.isEmpty()) {
            if (now != null) {
                writeReply(now);
                return;
            }
            if (queue == null) {
                queue = new ReplyQueue(this, ctx, deadlineNanos);
            }
        }
        if (now != null) {
            queue.addReady(now);
        } else {
            queue.addPending(new SocketmapRequest(mapName, decoder.key()), source, ((SocketmapAnswer.Pending) answer).reply());
        }
        if (queue.size() >= MAX_WAITING_REPLIES && !readsHeld) {
            readsHeld = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void refuse(SocketmapCodecException error) {
        failed = true;
        LOG.info("socketmap: closing connection from {} after a malformed request: {}",
                ctx.channel().remoteAddress(), error.getMessage());
        SocketmapReply refusal = SocketmapReply.perm("malformed request: " + error.getMessage());
        answers.get().answeredByDoor(refusal);
        ctx.channel().config().setAutoRead(false);
        if (queue == null || queue.isEmpty()) {
            writeRefusal(refusal);
        } else {
            // After the replies owed to the requests before it.
            queue.addRefusal(refusal);
        }
    }

    /**
     * Writes one reply, in order after every earlier one; flushed when the read burst ends or by
     * {@link #drained}. During a read the latest reply is held back, so that it can go out in the
     * read buffer when the read ends (the common case: one request per read).
     */
    void writeReply(SocketmapReply reply) {
        writeHeld();
        if (inRead) {
            held = reply;
            return;
        }
        ctx.write(SocketmapReplyEncoder.encode(ctx.alloc(), reply), ctx.voidPromise());
        flushDue = true;
    }

    private void writeHeld() {
        if (held != null) {
            SocketmapReply reply = held;
            held = null;
            ctx.write(SocketmapReplyEncoder.encode(ctx.alloc(), reply), ctx.voidPromise());
            flushDue = true;
        }
    }

    /** Writes the refusal, flushes, and closes the connection once it is written. */
    void writeRefusal(SocketmapReply refusal) {
        writeHeld();
        flushDue = false;
        ctx.writeAndFlush(SocketmapReplyEncoder.encode(ctx.alloc(), refusal)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The queue wrote what was ready (outside a read burst, or a stage that completed at once). */
    void drained() {
        // During a read, the read flushes when it ends.
        if (flushDue && !inRead) {
            flushDue = false;
            ctx.flush();
        }
        if (readsHeld && !failed && queue.size() < MAX_WAITING_REPLIES) {
            readsHeld = false;
            // The write back-pressure keeps reads off while the client is not reading our replies.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushDue) {
            flushDue = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        letGo();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        letGo();
    }

    private void letGo() {
        closed = true;
        held = null;
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (queue != null) {
            queue.abandon();
        }
    }

    @Override
    public boolean requestInProgress() {
        return framer.inProgress();
    }

    @Override
    public long requestsDecoded() {
        return framer.framed();
    }

    /** A reply is owed and not written yet (the connection is busy, not idle). */
    @Override
    public boolean replyPending() {
        return queue != null && !queue.isEmpty();
    }
}
