package org.starttls.policyd.server.metrics;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.server.transport.TransportPipeline;

/** The /metrics and /health endpoint on a real loopback socket, with an independent HTTP client. */
class MetricsServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ListStatus HEALTHY = new ListStatus("file", false, null, null, false, null, null, null, 0,
            List.of());
    private static final ListStatus WARNED = new ListStatus("file", false, null, null, true, null, null, null, 0,
            List.of("the active list EXPIRED"));

    private final AtomicReference<Supplier<DaemonSnapshot>> state =
            new AtomicReference<>(() -> snapshot(HEALTHY));
    private MetricsServer server;

    private static DaemonSnapshot snapshot(ListStatus status) {
        return new DaemonSnapshot(Instant.EPOCH, null, status, 0, List.of(new DaemonSnapshot.DoorState("socketmap", true)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() throws IOException {
        server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), new AnswerMeters(), () -> state.get().get());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One request written by hand on a new connection; returns everything until the server closes. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), US_ASCII);
        }
    }

    @Test
    void aHalfSentRequestDoesNotHangTheEndpointForEveryoneElse() throws Exception {
        start();
        try (Socket dawdler = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            dawdler.getOutputStream().write("GET /hea".getBytes(US_ASCII));
            dawdler.getOutputStream().flush();
            assertEquals(200, send("GET", "/health").statusCode(), "a newcomer is served while the dawdler waits");
            assertEquals(200, send("GET", "/metrics").statusCode());
        }
    }

    @Test
    void aHalfSentRequestIsCutOffAtTheRequestDeadline() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new TransportPipeline(MetricsServer.NAME, MetricsProtocol.TRANSPORT,
                new MetricsProtocol(new AnswerMeters(), () -> snapshot(HEALTHY)), channel.eventLoop().ticker()));
        channel.pipeline().fireChannelActive();
        channel.writeInbound(Unpooled.copiedBuffer("GET /health HTTP/1.1\r\nHost: x\r\n", US_ASCII));
        Duration deadline = MetricsProtocol.TRANSPORT.requestTimeout();
        channel.advanceTimeBy(deadline.toNanos() - 1, TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
        assertFalse(channel.isOpen(), "the headers never ended: closed at the deadline");
    }

    @Test
    void keepsTheEndpointsBehaviour() throws Exception {
        start();
        HttpResponse<String> metrics = send("GET", "/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals(PrometheusText.CONTENT_TYPE, metrics.headers().firstValue("Content-Type").orElse(""));
        assertTrue(metrics.body().contains("policyd_healthy 1\n"), metrics.body());
        assertEquals(200, send("GET", "/metrics?name=x").statusCode());

        HttpResponse<String> health = send("GET", "/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok\n", health.body());
        HttpResponse<String> head = send("HEAD", "/health");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("3", head.headers().firstValue("Content-Length").orElse(""));

        state.set(() -> snapshot(WARNED));
        HttpResponse<String> unhealthy = send("GET", "/health");
        assertEquals(503, unhealthy.statusCode());
        assertEquals("unhealthy\nthe active list EXPIRED\n", unhealthy.body());

        HttpResponse<String> post = send("POST", "/metrics");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals(404, send("GET", "/metrics/other").statusCode());
        assertEquals(404, send("GET", "/").statusCode());
    }

    @Test
    void servesManyRequestsOnOneKeptConnection() throws IOException {
        start();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
                String expected = "HTTP/1.1 200 OK\r\n";
                assertEquals(expected, new String(in.readNBytes(expected.length()), US_ASCII));
                StringBuilder rest = new StringBuilder();
                while (!rest.toString().endsWith("\r\n\r\nok\n")) {
                    int b = in.read();
                    assertTrue(b >= 0, "closed early: " + rest);
                    rest.append((char) b);
                }
            }
        }
    }

    @Test
    void renderingThatThrowsEvenAnErrorIsA500AndTheEndpointKeepsServing() throws Exception {
        start();
        state.set(() -> {
            throw new OutOfMemoryError("rendering ran out of memory (test)");
        });
        assertEquals(500, send("GET", "/metrics").statusCode());
        assertEquals(500, send("GET", "/health").statusCode());
        state.set(() -> snapshot(HEALTHY));
        assertEquals(200, send("GET", "/health").statusCode());
    }

    @Test
    void tooLargeRequestsAreRefusedAndClosed() throws IOException {
        start();
        String longLine = raw("GET /" + "a".repeat(HttpRequestFraming.MAX_REQUEST_LINE_BYTES) + " HTTP/1.1\r\n\r\n");
        assertTrue(longLine.startsWith("HTTP/1.1 414 "), longLine);
        String headers = raw("GET /health HTTP/1.1\r\nX-Big: " + "b".repeat(HttpRequestFraming.MAX_HEADER_BYTES)
                + "\r\n\r\n");
        assertTrue(headers.startsWith("HTTP/1.1 431 "), headers);
        String body = raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + (MetricsProtocol.MAX_BODY_BYTES + 1)
                + "\r\n\r\n" + "c".repeat(MetricsProtocol.MAX_BODY_BYTES + 1));
        assertTrue(body.startsWith("HTTP/1.1 413 "), body);
        String garbage = raw("\u0001\u0002 nonsense\r\n\r\n");
        assertTrue(garbage.startsWith("HTTP/1.1 400 "), garbage);
    }
}
