package org.starttls.policyd.server.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A minimal SMTP client that submits test messages to Postfix's smtpd and returns every reply. */
final class SmtpTestClient implements Closeable {
    private static final int MAX_REPLY_LINE_BYTES = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SmtpReply greeting;

    private SmtpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.greeting = readReply();
    }

    static SmtpTestClient connect(int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new SmtpTestClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    SmtpReply greeting() {
        return greeting;
    }

    SmtpReply command(String line) throws IOException {
        AsciiLines.writeCrlfLine(out, line);
        out.flush();
        return readReply();
    }

    /** Sends DATA and, if the server is ready for it, the message (dot-stuffed) and its end marker. */
    SmtpReply data(String message) throws IOException {
        SmtpReply ready = command("DATA");
        if (ready.code() != 354) {
            return ready;
        }
        for (String line : message.split("\r?\n", -1)) {
            AsciiLines.writeCrlfLine(out, line.startsWith(".") ? "." + line : line);
        }
        return command(".");
    }

    private SmtpReply readReply() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
            String line = AsciiLines.readLine(in, MAX_REPLY_LINE_BYTES);
            if (line == null || line.length() < 3) {
                throw new IOException("bad or missing SMTP reply line: " + line + " after " + text);
            }
            int code = Integer.parseInt(line.substring(0, 3));
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpReply(code, text.toString());
            }
        }
        throw new IOException("SMTP reply longer than " + MAX_REPLY_LINES + " lines");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
