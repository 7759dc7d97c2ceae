package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The socket plumbing of the test peers: listen on 127.0.0.1:0 (or a given address), one thread per connection. */
final class LoopbackServer implements AutoCloseable {
    /** Serves one connection; an exception closes that connection only. */
    @FunctionalInterface
    interface ConnectionHandler {
        void serve(Socket socket) throws IOException;
    }

    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final String name;
    private final ServerSocket server;
    private final ConnectionHandler handler;
    private final ExecutorService threads;

    private LoopbackServer(String name, ServerSocket server, ConnectionHandler handler) {
        this.name = name;
        this.server = server;
        this.handler = handler;
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    static LoopbackServer start(String name, ConnectionHandler handler) throws IOException {
        return new LoopbackServer(name, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
    }

    /** Listens on {@code address}, e.g. port 25 of a loopback alias, where an MTA connects to an MX. */
    static LoopbackServer startOn(String name, InetSocketAddress address, ConnectionHandler handler) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(address, 50);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new LoopbackServer(name, server, handler);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                System.err.println(name + ": accept failed: " + e);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            handler.serve(socket);
        } catch (IOException e) {
            System.err.println(name + ": connection closed: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
