package org.starttls.policyd.server.transport;

import io.netty.channel.ChannelPipeline;

/**
 * Adds one protocol's handlers to a new connection's pipeline, between the transport's own
 * handlers (limit, timeouts, back-pressure) and the final {@link ConnectionErrorHandler}. Use the
 * names in {@link PipelineNames}; the frame decoder should implement {@link RequestProgress}.
 */
@FunctionalInterface
public interface ProtocolPipeline {
    void addProtocolHandlers(ChannelPipeline pipeline);

    /**
     * As {@link #addProtocolHandlers(ChannelPipeline)}, for a door with these transport settings;
     * a protocol whose handlers need them (e.g. the request deadline for answers that complete
     * later) overrides this one. The transport calls this.
     */
    default void addProtocolHandlers(ChannelPipeline pipeline, TransportSettings settings) {
        addProtocolHandlers(pipeline);
    }
}
