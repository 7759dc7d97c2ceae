package org.starttls.policyd.server.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The "remote" mail server of the end-to-end tests: an SMTP server on 127.0.0.1 that accepts every
 * message but does NOT offer STARTTLS, which is exactly the downgrade the policy must catch.
 */
final class PlainSmtpSink implements AutoCloseable {
    static final int MAX_LINE_BYTES = 2048;
    static final int MAX_MESSAGE_BYTES = 1_000_000;

    private final LoopbackServer server;
    private final List<ReceivedMessage> received = new ArrayList<>();

    private PlainSmtpSink() throws IOException {
        this.server = LoopbackServer.start("plain-smtp-sink", socket -> new Session(
                new BufferedInputStream(socket.getInputStream()),
                new BufferedOutputStream(socket.getOutputStream())).run());
    }

    static PlainSmtpSink start() throws IOException {
        return new PlainSmtpSink();
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
        private final InputStream in;
        private final OutputStream out;
        private String mailFrom;
        private final List<String> recipients = new ArrayList<>();

        Session(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void run() throws IOException {
            reply("220 sink.test ESMTP plain sink (no STARTTLS)");
            String line;
            while ((line = AsciiLines.readLine(in, MAX_LINE_BYTES)) != null) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply("250-sink.test\r\n250 8BITMIME"); // deliberately no STARTTLS
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
            record(new ReceivedMessage(mailFrom, recipients, content.toString()));
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
