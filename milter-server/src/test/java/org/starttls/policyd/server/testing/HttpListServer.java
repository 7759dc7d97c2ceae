package org.starttls.policyd.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls.policyd.core.testing.TestLists;

/** A list URL for daemon tests: serves one signed pair at {@code /policy.json} and {@code /policy.json.asc}, or 404. */
public final class HttpListServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<TestLists.Signed> pair = new AtomicReference<>();
    private final AtomicInteger listRequests = new AtomicInteger();

    public HttpListServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves {@code signed} from now on; null answers 404. */
    public HttpListServer serve(TestLists.Signed signed) {
        pair.set(signed);
        return this;
    }

    public URI listUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/policy.json");
    }

    /** Requests for the list so far. */
    public int listRequests() {
        return listRequests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            TestLists.Signed current = pair.get();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/policy.json")) {
                listRequests.incrementAndGet();
            }
            byte[] body = current == null ? null : path.equals("/policy.json") ? current.list()
                    : path.equals("/policy.json.asc") ? current.signature() : null;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
