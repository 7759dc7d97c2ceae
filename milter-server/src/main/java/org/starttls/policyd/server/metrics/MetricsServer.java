package org.starttls.policyd.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback HTTP endpoint for monitoring: {@code GET /metrics} (Prometheus text) and
 * {@code GET /health} (200 {@code ok}, or 503 with the reasons). It runs on the JDK's HTTP server
 * with one thread of its own, so a slow scraper never touches the doors' event loops; rendering
 * only reads counters and the daemon's current state.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** Connections waiting to be accepted; a scraper or two is all there should be. */
    private static final int BACKLOG = 8;

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds {@code address} (the caller checked it is loopback) and starts serving. */
    public static MetricsServer start(InetSocketAddress address, AnswerMeters meters, Supplier<DaemonSnapshot> snapshot)
            throws IOException {
        HttpServer server = HttpServer.create(address, BACKLOG);
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "policyd-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/metrics", exchange -> handle(exchange, () -> new Response(200,
                PrometheusText.CONTENT_TYPE, PrometheusText.render(meters, snapshot.get()))));
        server.createContext("/health", exchange -> handle(exchange, () -> {
            Health health = Health.of(snapshot.get());
            return new Response(health.healthy() ? 200 : 503, "text/plain; charset=utf-8", health.body());
        }));
        server.start();
        LOG.info("metrics: listening on http://{}:{}/metrics and /health", address.getHostString(),
                server.getAddress().getPort());
        return new MetricsServer(server, thread);
    }

    private record Response(int status, String contentType, String body) {
    }

    private static void handle(HttpExchange exchange, Supplier<Response> responder) throws IOException {
        try (exchange) {
            Response response;
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                response = new Response(405, "text/plain; charset=utf-8", "only GET\n");
            } else if (!path.equals(exchange.getHttpContext().getPath())) {
                response = new Response(404, "text/plain; charset=utf-8", "not found\n");
            } else {
                try {
                    response = responder.get();
                } catch (Throwable e) {
                    // Errors too: this is the endpoint's only thread, and an Error escaping here
                    // would end it; monitoring must outlive a bad moment (an OutOfMemoryError
                    // caused elsewhere, say) to report it.
                    LOG.error("metrics: rendering {} failed", path, e);
                    response = new Response(500, "text/plain; charset=utf-8", "internal error\n");
                }
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** The bound port (the real one when 0 was configured). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
