package org.starttls.policyd.server.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/** One socketmap connection kept open, as Postfix keeps one: a query at a time, each reply awaited (bounded). */
public final class SocketmapClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** @param timeoutMillis the longest wait for each reply */
    public SocketmapClient(int port, int timeoutMillis) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends {@code starttls KEY} and returns the reply's payload ({@code OK ...}, {@code NOTFOUND }, {@code TEMP ...}). */
    public String query(String key) throws IOException {
        return query("starttls", key);
    }

    /** Sends {@code MAP KEY} and returns the reply's payload. */
    public String query(String map, String key) throws IOException {
        send(map, key);
        return receive();
    }

    /** Sends {@code MAP KEY} without waiting for its reply (to pipeline several requests). */
    public void send(String map, String key) throws IOException {
        String query = map + " " + key;
        out.write((query.length() + ":" + query + ",").getBytes(US_ASCII));
        out.flush();
    }

    /** Reads the next reply's payload. */
    public String receive() throws IOException {
        StringBuilder length = new StringBuilder();
        int b;
        while ((b = in.read()) != ':') {
            if (b < 0) {
                throw new IOException("connection closed before a reply");
            }
            length.append((char) b);
        }
        String reply = new String(in.readNBytes(Integer.parseInt(length.toString())), US_ASCII);
        if (in.read() != ',') {
            throw new IOException("reply not ended by ','");
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
