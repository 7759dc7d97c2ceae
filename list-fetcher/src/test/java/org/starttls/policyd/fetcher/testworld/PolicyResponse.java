package org.starttls.policyd.fetcher.testworld;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * What a policy host answers to {@code GET /.well-known/mta-sts.txt}: status, content type,
 * body, framing (Content-Length, chunked, or until the connection closes), and misbehaviour
 * (a redirect, a body dripping one byte at a time, no answer at all, or none until the test
 * releases it). Immutable; each
 * {@code with}/{@code without} method returns a changed copy.
 */
public final class PolicyResponse {
    /** How the body's end is told to the client. */
    public enum Framing {
        CONTENT_LENGTH,
        CHUNKED,
        /** No length: the body ends when the server closes the connection. */
        CLOSE
    }

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Framing framing;
    private final List<String> headers;
    private final Duration dripDelay;
    private final boolean hang;
    /** Nothing is sent until this opens (or the host closes), or null: answered at once. */
    private final CountDownLatch release;

    private PolicyResponse(int status, String contentType, byte[] body, Framing framing, List<String> headers,
            Duration dripDelay, boolean hang, CountDownLatch release) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.framing = framing;
        this.headers = List.copyOf(headers);
        this.dripDelay = dripDelay;
        this.hang = hang;
        this.release = release;
    }

    /** 200, {@code text/plain}, the policy text, with a Content-Length. */
    public static PolicyResponse policy(String text) {
        return new PolicyResponse(200, "text/plain", text.getBytes(StandardCharsets.UTF_8), Framing.CONTENT_LENGTH,
                List.of(), null, false, null);
    }

    /** {@code status} with a short {@code text/plain} body. */
    public static PolicyResponse status(int status) {
        return new PolicyResponse(status, "text/plain", ("status " + status + "\n").getBytes(StandardCharsets.US_ASCII),
                Framing.CONTENT_LENGTH, List.of(), null, false, null);
    }

    /** {@code status} (3xx) with a {@code Location} header. */
    public static PolicyResponse redirect(int status, String location) {
        return status(status).withHeader("Location", location);
    }

    /** 200 {@code text/plain}: a valid policy padded with unknown keys to exactly {@code size} bytes. */
    public static PolicyResponse policyOfSize(int size) {
        StringBuilder text = new StringBuilder("version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n");
        while (text.length() < size) {
            int room = size - text.length();
            if (room < 12) {
                text.append("\n".repeat(room));
            } else {
                int line = Math.min(room, 1000);
                text.append("x-pad: ").append("a".repeat(line - 8)).append('\n');
            }
        }
        return policy(text.toString());
    }

    /** Reads the request, then sends nothing and keeps the connection open until the server closes. */
    public static PolicyResponse hang() {
        return new PolicyResponse(200, null, new byte[0], Framing.CLOSE, List.of(), null, true, null);
    }

    public PolicyResponse withContentType(String value) {
        return new PolicyResponse(status, Objects.requireNonNull(value), body, framing, headers, dripDelay, hang, release);
    }

    public PolicyResponse withoutContentType() {
        return new PolicyResponse(status, null, body, framing, headers, dripDelay, hang, release);
    }

    public PolicyResponse withBody(byte[] value) {
        return new PolicyResponse(status, contentType, value.clone(), framing, headers, dripDelay, hang, release);
    }

    public PolicyResponse withFraming(Framing value) {
        return new PolicyResponse(status, contentType, body, value, headers, dripDelay, hang, release);
    }

    /** An extra header line, sent as given. */
    public PolicyResponse withHeader(String name, String value) {
        List<String> more = new ArrayList<>(headers);
        more.add(name + ": " + value);
        return new PolicyResponse(status, contentType, body, framing, more, dripDelay, hang, release);
    }

    /** Sends the whole response one byte at a time, {@code delay} apart. */
    public PolicyResponse dripping(Duration delay) {
        return new PolicyResponse(status, contentType, body, framing, headers, delay, hang, release);
    }

    /**
     * Sends nothing until {@code release} is counted down: a first fetch that is still running
     * for exactly as long as the test wants, whatever the machine's load (no timing window).
     */
    public PolicyResponse heldUntil(CountDownLatch release) {
        return new PolicyResponse(status, contentType, body, framing, headers, dripDelay, hang,
                Objects.requireNonNull(release));
    }

    CountDownLatch release() {
        return release;
    }

    public int status() {
        return status;
    }

    public byte[] body() {
        return body.clone();
    }

    boolean hangs() {
        return hang;
    }

    Duration dripDelay() {
        return dripDelay;
    }

    /** The response as bytes on the wire. */
    byte[] wire() {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        switch (framing) {
            case CONTENT_LENGTH -> head.append("Content-Length: ").append(body.length).append("\r\n");
            case CHUNKED -> head.append("Transfer-Encoding: chunked\r\n");
            case CLOSE -> {
                // the body ends at the close
            }
        }
        headers.forEach(line -> head.append(line).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] framed = framing == Framing.CHUNKED ? chunked(body) : body;
        byte[] wire = new byte[start.length + framed.length];
        System.arraycopy(start, 0, wire, 0, start.length);
        System.arraycopy(framed, 0, wire, start.length, framed.length);
        return wire;
    }

    /** The body in chunks of at most 4096 bytes, then the last chunk. */
    private static byte[] chunked(byte[] body) {
        StringBuilder out = new StringBuilder();
        for (int offset = 0; offset < body.length; offset += 4096) {
            int length = Math.min(4096, body.length - offset);
            out.append(Integer.toHexString(length)).append("\r\n")
                    .append(new String(body, offset, length, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        out.append("0\r\n\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }
}
