package org.starttls.policyd.server.socketmap;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.function.Supplier;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The socketmap door's handlers: netstring framing that parses each query as it is framed (queries
 * capped at {@link #MAX_QUERY_BYTES}), the reply encoder and the responder.
 */
public final class SocketmapProtocol implements ProtocolPipeline {
    /** Postfix never sends a query longer than this many bytes (netstring payload). */
    public static final int MAX_QUERY_BYTES = 10_000;
    private static final SocketmapReplyEncoder ENCODER = new SocketmapReplyEncoder();

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
        // Parsing in the framing step saves a slice, its reference counting and a handler per request.
        pipeline.addLast(PipelineNames.FRAMING, new NetstringDecoder(MAX_QUERY_BYTES, new SocketmapRequestDecoder()));
        pipeline.addLast(PipelineNames.REPLY_ENCODER, ENCODER);
        pipeline.addLast(PipelineNames.REQUESTS, new SocketmapHandler(responder, settings.requestTimeout()));
    }
}
