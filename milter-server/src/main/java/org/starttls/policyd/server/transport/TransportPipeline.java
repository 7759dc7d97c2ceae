package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.Objects;

/**
 * Builds each new connection's pipeline of one door: the transport's handlers around the
 * protocol's, in {@link PipelineNames} order. Handlers shared by the door's connections (the
 * limit, back-pressure, errors) are created once here. The limit and each connection's
 * {@link ConnectionActivity} read the one clock the door is given.
 */
public final class TransportPipeline extends ChannelInitializer<Channel> {
    private final TransportSettings settings;
    private final ProtocolPipeline protocol;
    private final Ticker clock;
    private final ConnectionLimitHandler limit;
    private final WriteBackpressureHandler backpressure = new WriteBackpressureHandler();
    private final ConnectionErrorHandler errors = new ConnectionErrorHandler();
    private final ChannelGroup connections;

    /**
     * @param clock the time the connection limit, idle timeout and request deadline go by:
     *     {@link Ticker#systemTicker()} for a real door, the embedded event loop's ticker in tests
     */
    public TransportPipeline(String name, TransportSettings settings, ProtocolPipeline protocol, Ticker clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limit = new ConnectionLimitHandler(name, settings.maxConnections(),
                ConnectionLimitHandler.halfSentGraceFor(settings.requestTimeout()), clock);
        this.connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
    }

    @Override
    protected void initChannel(Channel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(PipelineNames.CONNECTION_LIMIT, limit);
        pipeline.addLast(PipelineNames.ACTIVITY, new ConnectionActivity(settings.idleTimeout(), settings.requestTimeout(), clock));
        pipeline.addLast(PipelineNames.BACKPRESSURE, backpressure);
        protocol.addProtocolHandlers(pipeline, settings);
        pipeline.addLast(PipelineNames.ERRORS, errors);
    }

    ConnectionLimitHandler limit() {
        return limit;
    }

    ChannelGroup connections() {
        return connections;
    }
}
