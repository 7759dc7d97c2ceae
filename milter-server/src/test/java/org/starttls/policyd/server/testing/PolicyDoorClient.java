package org.starttls.policyd.server.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

/** Asks the policy door as Postfix's smtpd does at RCPT: one request on a new connection. */
public final class PolicyDoorClient {
    /** A hang guard only: a first RCPT may wait for its probe (the tests' probe budgets are below this). */
    private static final int READ_TIMEOUT_MILLIS = 120_000;

    private PolicyDoorClient() {
    }

    /** The reply to {@code recipient} at RCPT, up to its empty line, stripped ({@code action=...}). */
    public static String rcpt(int port, String recipient) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.getOutputStream().write(("request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" + recipient
                    + "\n\n").getBytes(US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            while (!reply.toString(US_ASCII).endsWith("\n\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed after " + reply);
                }
                reply.write(b);
            }
            return reply.toString(US_ASCII).strip();
        }
    }
}
