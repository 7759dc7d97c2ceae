package org.starttls.policyd.server.socketmap;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each decoded request on the event loop (a decision is an in-memory lookup) and so keeps
 * replies in request order however many requests a client pipelines. A request that breaks the
 * protocol gets {@code PERM} and the connection is closed; other errors go on to the transport's
 * error handler.
 */
final class SocketmapHandler extends SimpleChannelInboundHandler<SocketmapRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(SocketmapHandler.class);

    private final Supplier<SocketmapResponder> responder;
    private boolean failed;

    public SocketmapHandler(SocketmapResponder responder) {
        this(fixed(responder));
    }

    /** @param responder read once per request, so each request sees the daemon's current settings and list */
    public SocketmapHandler(Supplier<SocketmapResponder> responder) {
        super(SocketmapRequest.class);
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    private static Supplier<SocketmapResponder> fixed(SocketmapResponder responder) {
        Objects.requireNonNull(responder, "responder");
        return () -> responder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SocketmapRequest request) {
        if (!failed) {
            ctx.writeAndFlush(responder.get().answer(request));
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
        responder.get().refusedMalformed(refusal);
        ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
    }
}
