package org.starttls.policyd.server.socketmap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.starttls.policyd.server.answer.PrintableText;

/**
 * One socketmap answer, as {@code socketmap_table(5)} defines them. {@code NOTFOUND} carries no
 * data but keeps its trailing space on the wire ({@code "NOTFOUND "}). Reasons are reduced to
 * printable ASCII so a reply can never carry bytes the MTA would choke on.
 *
 * @param status the reply word
 * @param data the value after {@code OK}, or the reason after {@code TEMP}/{@code TIMEOUT}/{@code PERM}
 */
public record SocketmapReply(Status status, String data) implements SocketmapAnswer {
    /** Postfix refuses replies longer than this many bytes (netstring payload). */
    public static final int MAX_REPLY_BYTES = 100_000;
    /** Reasons are cut to this many characters: they are for a log line, not a report. */
    static final int MAX_REASON_CHARS = 200;

    public enum Status {
        OK, NOTFOUND, TEMP, TIMEOUT, PERM
    }

    public SocketmapReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(data, "data");
        if (status == Status.NOTFOUND && !data.isEmpty()) {
            throw new IllegalArgumentException("NOTFOUND carries no data");
        }
        if (status != Status.NOTFOUND && data.isEmpty()) {
            throw new IllegalArgumentException(status + " needs data");
        }
        if (!PrintableText.isPrintable(data)) {
            throw new IllegalArgumentException("reply data must be printable ASCII");
        }
        if (status.name().length() + 1 + data.length() > MAX_REPLY_BYTES) {
            throw new IllegalArgumentException("reply longer than " + MAX_REPLY_BYTES + " bytes");
        }
    }

    /** Whether {@code OK data} fits in {@link #MAX_REPLY_BYTES}. */
    public static boolean fitsOk(String data) {
        return Status.OK.name().length() + 1 + data.length() <= MAX_REPLY_BYTES;
    }

    public static SocketmapReply ok(String data) {
        return new SocketmapReply(Status.OK, data);
    }

    /** The commonest answer by far; one instance serves every connection (a record is immutable). */
    private static final SocketmapReply NOT_FOUND = new SocketmapReply(Status.NOTFOUND, "");

    public static SocketmapReply notFound() {
        return NOT_FOUND;
    }

    public static SocketmapReply temp(String reason) {
        return new SocketmapReply(Status.TEMP, printable(reason));
    }

    public static SocketmapReply timeout(String reason) {
        return new SocketmapReply(Status.TIMEOUT, printable(reason));
    }

    public static SocketmapReply perm(String reason) {
        return new SocketmapReply(Status.PERM, printable(reason));
    }

    /** A reason as {@link PrintableText} makes it, never empty (the status needs data). */
    static String printable(String reason) {
        String text = reason == null ? "" : PrintableText.of(reason.strip(), MAX_REASON_CHARS).strip();
        return text.isEmpty() ? "unspecified" : text;
    }

    /** A reply is its own immediate answer. */
    @Override
    public SocketmapReply immediate() {
        return this;
    }

    /** The netstring payload: {@code OK secure ...}, {@code NOTFOUND }, {@code TEMP reason}. */
    public String wireText() {
        return status.name() + " " + data;
    }

    /** The length of {@link #wireText()} in bytes (the data is ASCII). */
    int wireLength() {
        return status.name().length() + 1 + data.length();
    }

    byte[] wireBytes() {
        return wireText().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return wireText();
    }
}
