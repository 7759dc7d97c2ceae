package org.starttls.policyd.server.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;

/**
 * STAND-IN for policyd's socketmap door (socketmap_table(5)) until the real daemon can be started
 * from the tests: answers {@code OK <policy>} for the keys in its table and {@code NOTFOUND} for
 * every other key, on connections Postfix may reuse for many requests. It only lets the harness be
 * proven against a real Postfix; it is not the product.
 */
final class StandInSocketmapResponder implements AutoCloseable {
    /** Postfix never sends more (socketmap_table(5)). */
    static final int MAX_QUERY_BYTES = 10_000;

    private final String mapName;
    private final Map<String, String> policyByKey;
    private final LoopbackServer server;

    private StandInSocketmapResponder(String mapName, Map<String, String> policyByKey) throws IOException {
        this.mapName = mapName;
        this.policyByKey = Map.copyOf(policyByKey);
        this.server = LoopbackServer.start("stand-in-socketmap", this::serve);
    }

    /** @param policyByKey exact lookup key (as Postfix sends it) to the policy after {@code OK } */
    static StandInSocketmapResponder start(String mapName, Map<String, String> policyByKey) throws IOException {
        return new StandInSocketmapResponder(mapName, policyByKey);
    }

    int port() {
        return server.port();
    }

    String mapName() {
        return mapName;
    }

    private void serve(Socket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        String request;
        while ((request = Netstrings.read(in, MAX_QUERY_BYTES)) != null) {
            int space = request.indexOf(' ');
            if (space < 0 || !request.substring(0, space).equals(mapName)) {
                Netstrings.write(out, "PERM unknown map or malformed request");
                return; // the protocol says: after PERM, close
            }
            String policy = policyByKey.get(request.substring(space + 1));
            Netstrings.write(out, policy == null ? "NOTFOUND " : "OK " + policy);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
