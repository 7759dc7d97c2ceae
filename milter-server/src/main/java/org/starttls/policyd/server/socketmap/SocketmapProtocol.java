package org.starttls.policyd.server.socketmap;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.function.Supplier;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The socketmap door's handler: one stage that frames each netstring query (capped at
 * {@link #MAX_QUERY_BYTES}), parses it, asks the responder and writes the reply
 * ({@link SocketmapHandler}).
 */
public final class SocketmapProtocol implements ProtocolPipeline {
    /** Postfix never sends a query longer than this many bytes (netstring payload). */
    public static final int MAX_QUERY_BYTES = 10_000;

    private final Supplier<? extends SocketmapAnswerSource> responder;

    /** Every request answered by {@code responder}. */
    public SocketmapProtocol(SocketmapResponder responder) {
        this(fixed(responder));
    }

    /**
     * @param responder read for every request: the daemon's current answering snapshot, so a
     *     reload reaches connections that are already open
     */
    public SocketmapProtocol(Supplier<? extends SocketmapAnswerSource> responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    private static Supplier<SocketmapResponder> fixed(SocketmapResponder responder) {
        Objects.requireNonNull(responder, "responder");
        return () -> responder;
    }

    /** With the default transport settings' request deadline for pending answers. */
    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        addProtocolHandlers(pipeline, TransportSettings.DEFAULTS);
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline, TransportSettings settings) {
        // Framing, parsing, answering and encoding in one stage: no message objects between stages.
        pipeline.addLast(PipelineNames.REQUESTS, new SocketmapHandler(responder, settings.requestTimeout()));
    }
}
