package org.starttls.policyd.server.policy;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;

/** The policy delegation door's handlers: request decoder (with its limits), reply encoder, responder. */
public final class PolicyServiceProtocol implements ProtocolPipeline {
    private static final PolicyReplyEncoder ENCODER = new PolicyReplyEncoder();

    private final Supplier<PolicyResponder> responder;
    private final Executor decisionExecutor;

    public PolicyServiceProtocol(PolicyResponder responder) {
        this(responder, null);
    }

    /** @param decisionExecutor where answers are computed, or null to compute them on the event loop */
    public PolicyServiceProtocol(PolicyResponder responder, Executor decisionExecutor) {
        this(fixed(responder), decisionExecutor);
    }

    /**
     * @param responder read for every request: the daemon's current answering snapshot, so a
     *     reload reaches connections that are already open
     * @param decisionExecutor where answers are computed, or null to compute them on the event loop
     */
    public PolicyServiceProtocol(Supplier<PolicyResponder> responder, Executor decisionExecutor) {
        this.responder = Objects.requireNonNull(responder, "responder");
        this.decisionExecutor = decisionExecutor;
    }

    private static Supplier<PolicyResponder> fixed(PolicyResponder responder) {
        Objects.requireNonNull(responder, "responder");
        return () -> responder;
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.FRAMING, new PolicyRequestDecoder());
        pipeline.addLast(PipelineNames.REPLY_ENCODER, ENCODER);
        pipeline.addLast(PipelineNames.REQUESTS, new PolicyServiceHandler(responder, decisionExecutor));
    }
}
