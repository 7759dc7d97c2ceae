package org.starttls.policyd.server.policy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.Objects;

/**
 * Answers each request on the event loop as it is decoded (the decision is in memory), so replies
 * leave in request order. Undecodable input never reaches this handler: the decoder's exception
 * goes to the transport's error handler, which logs and closes without a reply.
 */
public final class PolicyServiceHandler extends SimpleChannelInboundHandler<PolicyRequest> {
    private final PolicyResponder responder;

    public PolicyServiceHandler(PolicyResponder responder) {
        super(PolicyRequest.class);
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PolicyRequest request) {
        ctx.writeAndFlush(responder.answer(request));
    }
}
