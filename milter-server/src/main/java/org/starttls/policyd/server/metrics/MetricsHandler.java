package org.starttls.policyd.server.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET}/{@code HEAD} of {@code /metrics} (Prometheus text) and {@code /health}
 * (200 {@code ok}, or 503 with the reasons); 405 for another method on those paths, 404 for any
 * other path, 400/414/431 for a request that is malformed or too large (and then the connection
 * closes). Rendering only reads counters and the daemon's current state. Whatever rendering
 * throws, {@link Error}s included, becomes a 500 for that request: the endpoint's event loop
 * keeps serving.
 */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final AnswerMeters meters;
    private final Supplier<DaemonSnapshot> snapshot;

    MetricsHandler(AnswerMeters meters, Supplier<DaemonSnapshot> snapshot) {
        super(FullHttpRequest.class);
        this.meters = Objects.requireNonNull(meters, "meters");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    private record Response(HttpResponseStatus status, String contentType, String body) {
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException
                            ? HttpResponseStatus.REQUEST_URI_TOO_LONG : HttpResponseStatus.BAD_REQUEST;
            LOG.debug("metrics: bad request: {}", String.valueOf(cause));
            write(ctx, request, new Response(status, TEXT, status.reasonPhrase().toLowerCase() + "\n"), true);
            return;
        }
        write(ctx, request, respond(request), false);
    }

    private Response respond(FullHttpRequest request) {
        String path = path(request.uri());
        if (!"/metrics".equals(path) && !"/health".equals(path)) {
            return new Response(HttpResponseStatus.NOT_FOUND, TEXT, "not found\n");
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            return new Response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "only GET\n");
        }
        try {
            if (path.equals("/metrics")) {
                return new Response(HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE,
                        PrometheusText.render(meters, snapshot.get()));
            }
            Health health = Health.of(snapshot.get());
            return new Response(health.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    TEXT, health.body());
        } catch (Throwable e) {
            LOG.warn("metrics: rendering {} failed", path, e);
            return new Response(HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT, "internal error\n");
        }
    }

    /** The path of an origin-form ({@code /metrics?x}) or absolute-form ({@code http://h/metrics}) target. */
    private static String path(String target) {
        try {
            return new URI(target).getRawPath();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, Response response, boolean close) {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        boolean head = request.method().equals(HttpMethod.HEAD);
        ByteBuf content = head ? ctx.alloc().buffer(0) : ctx.alloc().buffer(body.length).writeBytes(body);
        FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), content);
        reply.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        // HEAD: the length GET would have, and no body.
        reply.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (response.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            reply.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        var written = ctx.writeAndFlush(reply);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
