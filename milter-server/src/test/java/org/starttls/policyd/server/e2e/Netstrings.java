package org.starttls.policyd.server.e2e;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Netstring framing ({@code 11:hello there,}) for the stand-in socketmap responder. */
final class Netstrings {
    private Netstrings() {}

    /** Reads one netstring; {@code null} at a clean end of stream; throws on bad framing or size. */
    static String read(InputStream in, int maxPayloadBytes) throws IOException {
        int first = in.read();
        if (first == -1) {
            return null;
        }
        long length = 0;
        int digits = 0;
        for (int b = first; b != ':'; b = in.read()) {
            if (b < '0' || b > '9') {
                throw new IOException("netstring length: not a digit: " + b);
            }
            if (digits == 1 && length == 0) {
                throw new IOException("netstring length: leading zero");
            }
            length = length * 10 + (b - '0');
            digits++;
            if (length > maxPayloadBytes) {
                throw new IOException("netstring longer than " + maxPayloadBytes + " bytes");
            }
        }
        if (digits == 0) {
            throw new IOException("netstring length: empty");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new EOFException("stream ended inside a netstring");
        }
        if (in.read() != ',') {
            throw new IOException("netstring not ended by ','");
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    static void write(OutputStream out, String payload) throws IOException {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        out.write((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write(',');
        out.flush();
    }
}
