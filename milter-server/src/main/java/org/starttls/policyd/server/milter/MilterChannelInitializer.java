package org.starttls.policyd.server.milter;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.starttls.policyd.core.engine.ReceiptDecider;

/**
 * The milter pipeline for one accepted connection: connection limit, idle timeout, framing,
 * reply encoding, session. Usable with any transport (TCP, unix socket, in-VM).
 */
public final class MilterChannelInitializer extends ChannelInitializer<Channel> {
    public static final String LIMIT = "milter-limit";
    public static final String IDLE = "milter-idle";
    public static final String DECODER = "milter-decoder";
    public static final String ENCODER = "milter-encoder";
    public static final String SESSION = "milter-session";

    private final ReceiptDecider decider;
    private final MilterSettings settings;
    private final Executor decisionExecutor;
    private final ConnectionLimiter limiter;

    /** @param decisionExecutor where decisions run, or null to run them on the event loop */
    public MilterChannelInitializer(ReceiptDecider decider, MilterSettings settings, Executor decisionExecutor) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.decisionExecutor = decisionExecutor;
        this.limiter = new ConnectionLimiter(settings.maxConnections());
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(LIMIT, limiter);
        pipeline.addLast(IDLE, new ReadTimeoutHandler(settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        pipeline.addLast(DECODER, new MilterFrameDecoder());
        pipeline.addLast(ENCODER, MilterReplyEncoder.INSTANCE);
        pipeline.addLast(SESSION, new MilterSessionHandler(decider, settings.headerTagging(), decisionExecutor));
    }

    /** Connections open now through this initializer. */
    public int openConnections() {
        return limiter.openConnections();
    }
}
