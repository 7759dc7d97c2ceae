package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A socket server on 127.0.0.1 that answers each connection with a script that can misbehave the
 * way a real server can: stop mid-body, close early, never stop. Used where HttpServer is too
 * well-behaved.
 */
final class RawHttpServer implements AutoCloseable {
    /** What to do with one accepted connection, after its request headers were read. */
    @FunctionalInterface
    interface Script {
        void run(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final Thread thread;

    RawHttpServer(Script script) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    readHeaders(connection.getInputStream());
                    script.run(connection.getOutputStream());
                } catch (IOException | InterruptedException e) {
                    // The client went away or the test ended; accept the next one.
                }
            }
        }, "raw-http-server");
        thread.setDaemon(true);
        thread.start();
    }

    private static void readHeaders(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("client closed before the end of its request");
            }
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }

    /** Keeps the connection open, sending nothing, until the server is closed. */
    static void holdOpen() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        thread.interrupt();
    }
}
