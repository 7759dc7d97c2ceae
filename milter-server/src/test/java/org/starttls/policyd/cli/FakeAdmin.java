package org.starttls.policyd.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback admin endpoint that answers each command line with a fixed JSON line, as policyd's
 * admin door does, and remembers the commands it was sent.
 */
final class FakeAdmin implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, String> replies;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    FakeAdmin(Map<String, String> replies) throws IOException {
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.replies = replies;
        this.thread = new Thread(this::serve, "fake-admin");
        thread.setDaemon(true);
        thread.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    List<String> received() {
        return received;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String command = in.readLine();
                received.add(command);
                String reply = replies.getOrDefault(command, "{\"error\":\"unknown command\"}");
                OutputStream out = socket.getOutputStream();
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // Closed by the test, or the client went away: serve the next one.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
