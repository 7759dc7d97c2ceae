package org.starttls.policyd.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A fake MX on a loopback address for the probe's tests: real sockets, real TLS with a
 * certificate minted in the test. It records the commands it received (to check the probe says
 * QUIT) and how many connections it took.
 */
public final class FakeMx implements AutoCloseable {
    /** How the fake behaves. */
    public enum Behaviour {
        /** EHLO lists no STARTTLS. */
        NO_STARTTLS,
        /** STARTTLS is offered and accepted, then plain text comes instead of a TLS handshake. */
        BROKEN_TLS,
        /** STARTTLS with the given certificate, then SMTP over TLS. */
        TLS,
        /**
         * STARTTLS is accepted, then the ClientHello is answered as a server whose newest version
         * is TLS 1.1 answers it: a ServerHello for TLS 1.1 (the JDK cannot serve TLS 1.1 itself).
         */
        TLS_1_1_ONLY,
        /** Takes the connection and never says a word. */
        SILENT
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final SSLContext tls;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    private FakeMx(ServerSocket server, Behaviour behaviour, SSLContext tls) {
        this.server = server;
        this.behaviour = behaviour;
        this.tls = tls;
        this.acceptor = new Thread(this::acceptLoop, "fake-mx-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A fake on {@code address}:{@code port} (0: any free port). */
    public static FakeMx start(InetAddress address, int port, Behaviour behaviour, SSLContext tls) throws IOException {
        if (behaviour == Behaviour.TLS && tls == null) {
            throw new IllegalArgumentException("TLS needs a server context");
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, port));
        return new FakeMx(server, behaviour, tls);
    }

    public static FakeMx start(Behaviour behaviour, SSLContext tls) throws IOException {
        return start(InetAddress.getLoopbackAddress(), 0, behaviour, tls);
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetAddress address() {
        return server.getInetAddress();
    }

    public int connections() {
        return connections.get();
    }

    /** Every command line received, plain or over TLS, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread session = new Thread(() -> serve(socket), "fake-mx-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            if (behaviour == Behaviour.SILENT) {
                socket.getInputStream().read(); // until the probe gives up and closes
                return;
            }
            converse(socket, false);
        } catch (IOException e) {
            // the probe hung up; that is its right
        }
    }

    private void converse(Socket socket, boolean secure) throws IOException {
        OutputStream out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        if (!secure) {
            write(out, "220 fake.test ESMTP\r\n");
        }
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
            switch (verb) {
                case "EHLO":
                    boolean offer = !secure && behaviour != Behaviour.NO_STARTTLS;
                    write(out, "250-fake.test\r\n250-PIPELINING\r\n" + (offer ? "250-STARTTLS\r\n" : "") + "250 8BITMIME\r\n");
                    break;
                case "STAR":
                    write(out, "220 2.0.0 go ahead\r\n");
                    if (behaviour == Behaviour.BROKEN_TLS) {
                        write(out, "this is not a TLS handshake\r\n");
                        return;
                    }
                    if (behaviour == Behaviour.TLS_1_1_ONLY) {
                        answerAsTls11(socket);
                        return;
                    }
                    SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                    secured.setUseClientMode(false);
                    secured.startHandshake();
                    converse(secured, true);
                    return;
                case "QUIT":
                    write(out, "221 2.0.0 bye\r\n");
                    return;
                default:
                    write(out, "502 5.5.2 not implemented\r\n");
            }
        }
    }

    /**
     * Reads the ClientHello record and answers with a TLS 1.1 ServerHello (TLS_RSA_WITH_AES_128_CBC_SHA,
     * no session, no extensions), then waits for the client to refuse it and hang up.
     */
    private static void answerAsTls11(Socket socket) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        byte[] header = new byte[5];
        in.readFully(header);
        in.readFully(new byte[((header[3] & 0xFF) << 8) | (header[4] & 0xFF)]);
        java.io.ByteArrayOutputStream hello = new java.io.ByteArrayOutputStream();
        hello.write(new byte[] {0x03, 0x02}); // server_version: TLS 1.1
        hello.write(new byte[32], 0, 32); // random
        hello.write(new byte[] {0x00, 0x00, 0x2F, 0x00}); // no session id, the cipher suite, no compression
        byte[] body = hello.toByteArray();
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        record.write(new byte[] {0x16, 0x03, 0x02, 0x00, (byte) (body.length + 4)}); // handshake record, TLS 1.1
        record.write(new byte[] {0x02, 0x00, 0x00, (byte) body.length}); // ServerHello
        record.write(body);
        OutputStream out = socket.getOutputStream();
        out.write(record.toByteArray());
        out.flush();
        while (in.read() >= 0) {
            // the client's alert, until it closes
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (SocketException e) {
                // already closed
            }
        }
    }
}
