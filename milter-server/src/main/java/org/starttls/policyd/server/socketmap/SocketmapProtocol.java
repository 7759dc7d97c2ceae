package org.starttls.policyd.server.socketmap;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.function.Supplier;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;

/**
 * The socketmap door's handlers: netstring framing (queries capped at {@link #MAX_QUERY_BYTES}),
 * the reply encoder, request parsing and the responder.
 */
public final class SocketmapProtocol implements ProtocolPipeline {
    /** Postfix never sends a query longer than this many bytes (netstring payload). */
    public static final int MAX_QUERY_BYTES = 10_000;
    /** Name of the handler that turns netstring payloads into {@link SocketmapRequest}s. */
    public static final String REQUEST_DECODER = "socketmap-request-decoder";

    private static final SocketmapReplyEncoder ENCODER = new SocketmapReplyEncoder();

    private final Supplier<SocketmapResponder> responder;

    /** Every request answered by {@code responder}. */
    public SocketmapProtocol(SocketmapResponder responder) {
        this(fixed(responder));
    }

    /**
     * @param responder read for every request: the daemon's current answering snapshot, so a
     *     reload reaches connections that are already open
     */
    public SocketmapProtocol(Supplier<SocketmapResponder> responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    private static Supplier<SocketmapResponder> fixed(SocketmapResponder responder) {
        Objects.requireNonNull(responder, "responder");
        return () -> responder;
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.FRAMING, new NetstringDecoder(MAX_QUERY_BYTES));
        pipeline.addLast(PipelineNames.REPLY_ENCODER, ENCODER);
        pipeline.addLast(REQUEST_DECODER, new SocketmapRequestDecoder());
        pipeline.addLast(PipelineNames.REQUESTS, new SocketmapHandler(responder));
    }
}
