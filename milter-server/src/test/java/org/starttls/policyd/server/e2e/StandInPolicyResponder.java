package org.starttls.policyd.server.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * STAND-IN for policyd's policy delegation door (SMTPD_POLICY_README) until the real daemon can be
 * started from the tests: answers {@code action=...} by the recipient's domain from a fixed table,
 * {@code DUNNO} otherwise, on connections Postfix reuses for many requests. Not the product.
 */
final class StandInPolicyResponder implements AutoCloseable {
    static final int MAX_LINE_BYTES = 8192;
    static final int MAX_ATTRIBUTES = 200;

    private final Map<String, String> actionByRecipientDomain;
    private final LoopbackServer server;

    private StandInPolicyResponder(Map<String, String> actionByRecipientDomain) throws IOException {
        this.actionByRecipientDomain = Map.copyOf(actionByRecipientDomain);
        this.server = LoopbackServer.start("stand-in-policy", this::serve);
    }

    /** @param actionByRecipientDomain recipient domain to the action text after {@code action=} */
    static StandInPolicyResponder start(Map<String, String> actionByRecipientDomain) throws IOException {
        return new StandInPolicyResponder(actionByRecipientDomain);
    }

    int port() {
        return server.port();
    }

    private void serve(Socket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        Map<String, String> request;
        while ((request = readRequest(in)) != null) {
            if (!"smtpd_access_policy".equals(request.get("request"))) {
                throw new IOException("not a policy request: " + request); // disconnect, never guess
            }
            String recipient = request.getOrDefault("recipient", "");
            String domain = recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            String action = actionByRecipientDomain.getOrDefault(domain, "DUNNO");
            out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Reads {@code name=value} lines up to the empty line; {@code null} at a clean end of stream. */
    private static Map<String, String> readRequest(InputStream in) throws IOException {
        Map<String, String> attributes = new HashMap<>();
        for (int count = 0; count <= MAX_ATTRIBUTES; count++) {
            String line = AsciiLines.readLine(in, MAX_LINE_BYTES);
            if (line == null) {
                if (count == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a policy request");
            }
            if (line.isEmpty()) {
                return attributes;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IOException("not a name=value line: " + line);
            }
            attributes.put(line.substring(0, equals), line.substring(equals + 1));
        }
        throw new IOException("policy request with more than " + MAX_ATTRIBUTES + " attributes");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
