package org.starttls.policyd.server.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CountDownLatch;

/**
 * One client connection in a closed loop, as an MTA uses it: one unit of work (a request, or a
 * milter message) outstanding, the next started as soon as the last is answered, the connection
 * kept. Subclasses speak the protocol; this class keeps the counts, the latencies and the run's
 * phase. Runs on one event loop, so its fields need no locking; the run's {@link RunControl} is
 * read through volatile fields.
 */
abstract class ClientLoop extends ChannelInboundHandlerAdapter {
    /** What every connection of one run shares. */
    record Run(RunControl control, CountDownLatch connected, CountDownLatch stopped) {
    }

    /** Makes connection number {@code index} of {@code connections}. */
    @FunctionalInterface
    interface Factory {
        ClientLoop create(int index, int connections, Run run, LatencyRecorder latencies);
    }

    private final Run run;
    private final LatencyRecorder latencies;
    private ByteBuf cumulation;
    private long measured;
    private long positive;
    private boolean done;

    ClientLoop(Run run, LatencyRecorder latencies) {
        this.run = run;
        this.latencies = latencies;
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) {
        cumulation = ctx.alloc().buffer(512);
        started(ctx);
    }

    /** The connection is up: count {@link #ready()} once the first unit can start, and start it. */
    abstract void started(ChannelHandlerContext ctx);

    /** Consumes whatever complete replies {@code in} holds; bytes of an incomplete one stay unread. */
    abstract void replies(ChannelHandlerContext ctx, ByteBuf in);

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            cumulation.writeBytes(in);
        } finally {
            in.release();
        }
        replies(ctx, cumulation);
        cumulation.discardReadBytes();
    }

    void ready() {
        run.connected().countDown();
    }

    /**
     * A unit of work was answered after {@code latencyNanos}: records it while measuring and says
     * whether to start the next one (false once the run stops).
     */
    boolean completed(long latencyNanos, boolean positiveAnswer) {
        RunControl.Phase phase = run.control().phase();
        if (phase == RunControl.Phase.MEASURE) {
            latencies.record(latencyNanos);
            measured++;
            if (positiveAnswer) {
                positive++;
            }
        }
        if (phase == RunControl.Phase.STOP) {
            finish();
            return false;
        }
        return true;
    }

    void failed(ChannelHandlerContext ctx, String why) {
        run.control().failed(why);
        ctx.close();
    }

    private void finish() {
        if (!done) {
            done = true;
            run.stopped().countDown();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (!done) {
            run.control().failed("connection closed by the server");
        }
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(ctx, cause.toString());
    }

    /** Units answered while measuring. */
    long measured() {
        return measured;
    }

    /** Of those, the ones with a positive answer (see {@link RunResult#positive()}). */
    long positive() {
        return positive;
    }

    LatencyRecorder latencies() {
        return latencies;
    }
}
