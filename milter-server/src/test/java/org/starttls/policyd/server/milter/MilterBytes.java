package org.starttls.policyd.server.milter;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Builds raw milter bytes for tests, independently of the production codec. */
final class MilterBytes {
    private MilterBytes() {
    }

    static byte[] frame(char command, byte[]... parts) {
        byte[] data = concat(parts);
        return concat(ints(data.length + 1), new byte[] {(byte) command}, data);
    }

    static byte[] cstrings(String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    static byte[] optneg(int version, int actions, int protocol) {
        return frame('O', ints(version, actions, protocol));
    }

    static byte[] rcpt(String... args) {
        return frame('R', cstrings(args));
    }

    static byte[] macro(char stage, String... namesAndValues) {
        return frame('D', new byte[] {(byte) stage}, cstrings(namesAndValues));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Reads a buffer out and releases it. */
    static byte[] drain(ByteBuf buf) {
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** A reply frame as "code:text" with NULs shown as '|' (optneg: "O:hex"), for readable assertions. */
    static String describe(byte[] frame) {
        int length = ByteBuffer.wrap(frame, 0, 4).getInt();
        if (length != frame.length - 4) {
            throw new AssertionError("frame length " + length + " but " + (frame.length - 4) + " bytes follow");
        }
        if (frame[4] == 'O') {
            return "O:" + HexFormat.of().formatHex(frame, 5, frame.length);
        }
        return (char) frame[4] + ":" + new String(frame, 5, frame.length - 5, StandardCharsets.ISO_8859_1).replace('\0', '|');
    }
}
