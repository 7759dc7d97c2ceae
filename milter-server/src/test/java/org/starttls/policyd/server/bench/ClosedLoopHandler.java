package org.starttls.policyd.server.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * A socketmap or policy delegation connection as Postfix uses it: one request outstanding, the
 * next sent as soon as the reply is complete. Latency is from the write of a request to the read
 * that completes its reply.
 */
final class ClosedLoopHandler extends ClientLoop {
    private final WireProtocol protocol;
    private final ByteBuf[] requests;
    private int next;
    private long sentAt;

    ClosedLoopHandler(WireProtocol protocol, ByteBuf[] requests, int firstRequest, Run run, LatencyRecorder latencies) {
        super(run, latencies);
        this.protocol = protocol;
        this.requests = requests;
        this.next = firstRequest;
    }

    /** Connections start spread over the requests, so they do not ask for the same names in step. */
    static ClientLoop.Factory factory(WireProtocol protocol, ByteBuf[] requests) {
        return (index, connections, run, latencies) -> new ClosedLoopHandler(protocol, requests,
                (int) ((long) index * requests.length / connections), run, latencies);
    }

    @Override
    void started(ChannelHandlerContext ctx) {
        ready();
        sendNext(ctx);
    }

    private void sendNext(ChannelHandlerContext ctx) {
        ByteBuf request = requests[next];
        next = next + 1 == requests.length ? 0 : next + 1;
        sentAt = System.nanoTime();
        ctx.writeAndFlush(request.duplicate(), ctx.voidPromise());
    }

    @Override
    void replies(ChannelHandlerContext ctx, ByteBuf in) {
        int end = protocol.frameEnd(in);
        if (end < 0) {
            return;
        }
        long latency = System.nanoTime() - sentAt;
        byte first = in.getByte(firstPayloadByte(in));
        in.readerIndex(end);
        if (in.isReadable()) {
            failed(ctx, "the server sent more than one reply to one request");
            return;
        }
        if (completed(latency, isPositive(first))) {
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
}
