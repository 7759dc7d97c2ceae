package org.starttls.policyd.server.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The "remote" mail server of the end-to-end tests: an SMTP server on 127.0.0.1 that accepts every
 * message but does NOT offer STARTTLS, which is exactly the downgrade the policy must catch.
 * {@link #startWithStarttls} makes the contrast: the same server offering STARTTLS with a
 * certificate minted in the test.
 */
final class PlainSmtpSink implements AutoCloseable {
    static final int MAX_LINE_BYTES = 2048;
    static final int MAX_MESSAGE_BYTES = 1_000_000;

    private final LoopbackServer server;
    private final SSLContext tls;
    private final List<ReceivedMessage> received = new ArrayList<>();

    private PlainSmtpSink(SSLContext tls, InetSocketAddress address) throws IOException {
        this.tls = tls;
        LoopbackServer.ConnectionHandler session = socket -> new Session(socket).run();
        this.server = address == null ? LoopbackServer.start("plain-smtp-sink", session)
                : LoopbackServer.startOn("plain-smtp-sink", address, session);
    }

    static PlainSmtpSink start() throws IOException {
        return new PlainSmtpSink(null, null);
    }

    /** A sink that offers STARTTLS and presents {@code tls}'s certificate. */
    static PlainSmtpSink startWithStarttls(SSLContext tls) throws IOException {
        return new PlainSmtpSink(Objects.requireNonNull(tls, "tls"), null);
    }

    /** A sink offering STARTTLS on {@code address}: an MX where an MTA looks for one, port 25 of its address. */
    static PlainSmtpSink startWithStarttlsOn(SSLContext tls, InetSocketAddress address) throws IOException {
        return new PlainSmtpSink(Objects.requireNonNull(tls, "tls"), Objects.requireNonNull(address, "address"));
    }

    int port() {
        return server.port();
    }

    synchronized List<ReceivedMessage> messages() {
        return List.copyOf(received);
    }

    /** Waits until a message for {@code recipient} arrived; fails with what did arrive otherwise. */
    synchronized ReceivedMessage awaitMessageFor(String recipient, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ReceivedMessage message : received) {
                if (message.isFor(recipient)) {
                    return message;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no message for " + recipient + " within " + timeout + "; received " + received);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private synchronized void record(ReceivedMessage message) {
        received.add(message);
        notifyAll();
    }

    /** One SMTP session: strictly one reply per command line, so a pipelining client is also served. */
    private final class Session {
        private final Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean secured;
        private String mailFrom;
        private final List<String> recipients = new ArrayList<>();

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream());
        }

        void run() throws IOException {
            reply(tls == null ? "220 sink.test ESMTP plain sink (no STARTTLS)" : "220 sink.test ESMTP test sink");
            String line;
            while ((line = AsciiLines.readLine(in, MAX_LINE_BYTES)) != null) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    // deliberately no STARTTLS, unless this sink was made to offer it
                    case "EHLO" -> reply(tls != null && !secured ? "250-sink.test\r\n250-STARTTLS\r\n250 8BITMIME"
                            : "250-sink.test\r\n250 8BITMIME");
                    case "STAR" -> startTls();
                    case "HELO", "NOOP" -> reply("250 sink.test");
                    case "MAIL" -> {
                        mailFrom = addressIn(line);
                        recipients.clear();
                        reply("250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        recipients.add(addressIn(line));
                        reply("250 2.1.5 Ok");
                    }
                    case "DATA" -> receiveData();
                    case "RSET" -> {
                        mailFrom = null;
                        recipients.clear();
                        reply("250 2.0.0 Ok");
                    }
                    case "QUIT" -> {
                        reply("221 2.0.0 Bye");
                        return;
                    }
                    default -> reply("502 5.5.2 command not implemented: " + verb);
                }
            }
        }

        /** RFC 3207: 220, the handshake, then a fresh session over TLS (no state carried over). */
        private void startTls() throws IOException {
            if (tls == null || secured) {
                reply("502 5.5.2 command not implemented: STARTTLS");
                return;
            }
            reply("220 2.0.0 Ready to start TLS");
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
            secure.setUseClientMode(false);
            secure.startHandshake();
            in = new BufferedInputStream(secure.getInputStream());
            out = new BufferedOutputStream(secure.getOutputStream());
            secured = true;
            mailFrom = null;
            recipients.clear();
        }

        private void receiveData() throws IOException {
            if (mailFrom == null || recipients.isEmpty()) {
                reply("503 5.5.1 need MAIL and RCPT first");
                return;
            }
            reply("354 End data with <CR><LF>.<CR><LF>");
            StringBuilder content = new StringBuilder();
            String line;
            while (!".".equals(line = AsciiLines.readLine(in, MAX_LINE_BYTES))) {
                if (line == null) {
                    throw new IOException("connection closed inside DATA");
                }
                if (content.length() + line.length() > MAX_MESSAGE_BYTES) {
                    throw new IOException("message larger than " + MAX_MESSAGE_BYTES + " bytes");
                }
                content.append(line.startsWith(".") ? line.substring(1) : line).append('\n');
            }
            record(new ReceivedMessage(mailFrom, recipients, content.toString(), secured));
            mailFrom = null;
            recipients.clear();
            reply("250 2.0.0 Ok: accepted by sink");
        }

        private void reply(String text) throws IOException {
            AsciiLines.writeCrlfLine(out, text);
            out.flush();
        }

        private String addressIn(String line) throws IOException {
            int open = line.indexOf('<');
            int close = line.indexOf('>', open + 1);
            if (open < 0 || close < 0) {
                throw new IOException("no <address> in " + line);
            }
            return line.substring(open + 1, close);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
