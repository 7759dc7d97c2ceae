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
}
