package org.starttls.policyd.fetcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port, serving fixed responses by path and
 * recording each request's path and conditional headers.
 */
final class TestHttpServer implements AutoCloseable {
    /** One canned response. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response ok(byte[] body) {
            return new Response(200, Map.of(), body);
        }

        static Response ok(byte[] body, String etag) {
            return new Response(200, Map.of("ETag", etag), body);
        }

        static Response status(int status) {
            return new Response(status, Map.of(), ("status " + status).getBytes());
        }

        static Response redirect(String location) {
            return new Response(302, Map.of("Location", location), new byte[0]);
        }
    }

    /** What a request asked for. */
    record Request(String path, String ifNoneMatch, String ifModifiedSince) {
    }

    private final HttpServer server;
    private final Map<String, Response> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        requests.add(new Request(path, ifNoneMatch, exchange.getRequestHeaders().getFirst("If-Modified-Since")));
        Response response = routes.getOrDefault(path, Response.status(404));
        String etag = response.headers().get("ETag");
        if (response.status() == 200 && etag != null && etag.equals(ifNoneMatch)) {
            exchange.sendResponseHeaders(304, -1);
            exchange.close();
            return;
        }
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    TestHttpServer serve(String path, Response response) {
        routes.put(path, response);
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    List<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
