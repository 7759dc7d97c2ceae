package org.starttls.policyd.server.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CountDownLatch;

/**
 * One client connection as Postfix uses it: one request outstanding, the next sent as soon as the
 * reply is complete, the connection kept. Latency is from the write of a request to the read that
 * completes its reply. Runs on one event loop, so its fields need no locking; the run's
 * {@link RunControl} is read through volatile fields.
 */
final class ClosedLoopHandler extends ChannelInboundHandlerAdapter {
    private final WireProtocol protocol;
    private final ByteBuf[] requests;
    private final RunControl control;
    private final LatencyRecorder latencies;
    private final CountDownLatch connected;
    private final CountDownLatch stopped;
    private ByteBuf cumulation;
    private int next;
    private long sentAt;
    private long measuredReplies;
    private long okReplies;
    private boolean done;

    ClosedLoopHandler(WireProtocol protocol, ByteBuf[] requests, int firstRequest, RunControl control,
            LatencyRecorder latencies, CountDownLatch connected, CountDownLatch stopped) {
        this.protocol = protocol;
        this.requests = requests;
        this.next = firstRequest;
        this.control = control;
        this.latencies = latencies;
        this.connected = connected;
        this.stopped = stopped;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        cumulation = ctx.alloc().buffer(512);
        connected.countDown();
        sendNext(ctx);
    }

    private void sendNext(ChannelHandlerContext ctx) {
        ByteBuf request = requests[next];
        next = next + 1 == requests.length ? 0 : next + 1;
        sentAt = System.nanoTime();
        ctx.writeAndFlush(request.duplicate(), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            cumulation.writeBytes(in);
        } finally {
            in.release();
        }
        int end = protocol.frameEnd(cumulation);
        if (end < 0) {
            return;
        }
        long latency = System.nanoTime() - sentAt;
        byte first = cumulation.getByte(firstPayloadByte(cumulation));
        cumulation.readerIndex(end);
        cumulation.discardReadBytes();
        if (cumulation.isReadable()) {
            throw new IllegalStateException("the server sent more than one reply to one request");
        }
        RunControl.Phase phase = control.phase();
        if (phase == RunControl.Phase.MEASURE) {
            latencies.record(latency);
            measuredReplies++;
            if (isPositive(first)) {
                okReplies++;
            }
        }
        if (phase == RunControl.Phase.STOP) {
            finish();
        } else {
            sendNext(ctx);
        }
    }

    private int firstPayloadByte(ByteBuf buf) {
        if (protocol == WireProtocol.SOCKETMAP) {
            return buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) ':') + 1;
        }
        return buf.readerIndex() + "action=".length();
    }

    /** socketmap {@code OK ...}; policy {@code action=PREPEND} (a tagged, listed domain). */
    private boolean isPositive(byte first) {
        return first == (protocol == WireProtocol.SOCKETMAP ? 'O' : 'P');
    }

    private void finish() {
        if (!done) {
            done = true;
            stopped.countDown();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (!done) {
            control.failed("connection closed by the server");
        }
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        control.failed(cause.toString());
        ctx.close();
    }

    long measuredReplies() {
        return measuredReplies;
    }

    long okReplies() {
        return okReplies;
    }

    LatencyRecorder latencies() {
        return latencies;
    }
}
