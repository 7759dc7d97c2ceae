package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.starttls.policyd.server.answer.PrintableText;

/**
 * One socketmap answer, as {@code socketmap_table(5)} defines them. {@code NOTFOUND} carries no
 * data but keeps its trailing space on the wire ({@code "NOTFOUND "}). Reasons are reduced to
 * printable ASCII so a reply can never carry bytes the MTA would choke on.
 *
 * <p>A value (equal when status and data are), made with its whole netstring
 * ({@code LENGTH:STATUS DATA,}) already encoded, once: a reply that is kept (a cached policy's, {@code NOTFOUND}) goes out as one copy
 * of those bytes on every request instead of being written character by character.
 */
public final class SocketmapReply implements SocketmapAnswer {
    /** Postfix refuses replies longer than this many bytes (netstring payload). */
    public static final int MAX_REPLY_BYTES = 100_000;
    /** Reasons are cut to this many characters: they are for a log line, not a report. */
    static final int MAX_REASON_CHARS = 200;

    public enum Status {
        OK, NOTFOUND, TEMP, TIMEOUT, PERM
    }

    private final Status status;
    private final String data;
    /** {@code LENGTH:STATUS DATA,}: what the door writes. */
    private final byte[] netstring;

    /**
     * @param status the reply word
     * @param data the value after {@code OK}, or the reason after {@code TEMP}/{@code TIMEOUT}/{@code PERM};
     *     printable ASCII, empty exactly for {@code NOTFOUND}
     */
    public SocketmapReply(Status status, String data) {
        this.status = Objects.requireNonNull(status, "status");
        this.data = Objects.requireNonNull(data, "data");
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
        String payload = status.name() + " " + data;
        this.netstring = (payload.length() + ":" + payload + ",").getBytes(StandardCharsets.US_ASCII);
    }

    public Status status() {
        return status;
    }

    public String data() {
        return data;
    }

    /** Whether {@code OK data} fits in {@link #MAX_REPLY_BYTES}. */
    public static boolean fitsOk(String data) {
        return Status.OK.name().length() + 1 + data.length() <= MAX_REPLY_BYTES;
    }

    public static SocketmapReply ok(String data) {
        return new SocketmapReply(Status.OK, data);
    }

    /** The commonest answer by far; one instance serves every connection (a reply is immutable). */
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

    /** The bytes of {@link #wireText()} (the data is ASCII). */
    byte[] wireBytes() {
        return wireText().getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole netstring's length in bytes. */
    int netstringLength() {
        return netstring.length;
    }

    /** Appends the whole netstring to {@code out}, which has room for {@link #netstringLength()}. */
    void writeNetstring(ByteBuf out) {
        out.writeBytes(netstring);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SocketmapReply that && status == that.status && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return 31 * status.hashCode() + data.hashCode();
    }

    @Override
    public String toString() {
        return wireText();
    }
}
