package org.starttls.policyd.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An independent blocking client for the doors' server tests: plain {@link Socket}, bounded waits. */
public final class LineClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public LineClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
    }

    /** Writes {@code bytes} in pieces of at most {@code chunk} bytes, flushing each. */
    public void send(byte[] bytes, int chunk) throws IOException {
        for (int i = 0; i < bytes.length; i += chunk) {
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
            out.flush();
        }
    }

    /** Reads exactly {@code count} bytes, in reads of at most {@code chunk} bytes. */
    public String read(int count, int chunk) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[Math.max(1, chunk)];
        while (received.size() < count) {
            int n = in.read(buffer, 0, Math.min(buffer.length, count - received.size()));
            if (n < 0) {
                throw new IOException("closed after " + received.size() + " of " + count + " bytes: "
                        + received.toString(StandardCharsets.UTF_8));
            }
            received.write(buffer, 0, n);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    public String read(int count) throws IOException {
        return read(count, 4096);
    }

    /** Everything until the server closes the connection (fails on timeout). */
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection within {@code millis}; false if it stayed open. */
    public boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int b = in.read();
            if (b >= 0) {
                throw new IOException("unexpected byte " + b + " while waiting for close");
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String netstring(String payload) {
        return bytes(payload).length + ":" + payload + ",";
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
