package org.starttls.policyd.server.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.starttls.policyd.server.transport.RequestProgress;

/**
 * Netty's HTTP/1.1 request decoder with the endpoint's size limits, reporting to the transport
 * ({@link RequestProgress}) when a request has started and not ended: a scraper that sends half a
 * request and waits is cut off at the request deadline, and one that keeps its connection open
 * between scrapes is idle.
 */
final class HttpRequestFraming extends HttpRequestDecoder implements RequestProgress {
    /** Request line ({@code GET /metrics HTTP/1.1}); anything longer is not a scrape. */
    static final int MAX_REQUEST_LINE_BYTES = 4096;
    /** All header lines together. */
    static final int MAX_HEADER_BYTES = 8192;

    private boolean started;
    private long requestsDecoded;

    HttpRequestFraming() {
        super(new HttpDecoderConfig().setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES).setChunkedSupported(false));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
            started = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            if (out.get(i) instanceof LastHttpContent) {
                requestsDecoded++;
                // Bytes left in this read belong to the next request, which has started then.
                started = buffer.isReadable();
            }
        }
    }

    @Override
    public boolean requestInProgress() {
        return started;
    }

    @Override
    public long requestsDecoded() {
        return requestsDecoded;
    }
}
