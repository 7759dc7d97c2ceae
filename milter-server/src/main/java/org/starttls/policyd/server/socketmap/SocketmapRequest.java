package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One socketmap query: {@code NAME<space>KEY}, the map name as configured in the MTA
 * ({@code socketmap:inet:127.0.0.1:PORT:NAME}; Sendmail's {@code FEATURE(sts)} always says
 * {@code sts}) and the lookup key.
 */
public record SocketmapRequest(String mapName, String key) {
    public SocketmapRequest {
        Objects.requireNonNull(mapName, "mapName");
        Objects.requireNonNull(key, "key");
        if (mapName.isEmpty() || key.isEmpty()) {
            throw new SocketmapCodecException("socketmap request needs a map name and a key");
        }
        if (mapName.indexOf(' ') >= 0) {
            throw new SocketmapCodecException("socketmap map name contains a space");
        }
        requireNoControl(mapName, "map name");
        requireNoControl(key, "key");
    }

    /**
     * Parses a netstring payload; the bytes must be UTF-8 (keys may carry U-label domains). Plain
     * ASCII, what MTAs send nearly always, is split on the bytes and each part copied once; only a
     * payload with other bytes goes through the strict UTF-8 decoder.
     */
    public static SocketmapRequest parse(ByteBuf payload) {
        return parse(payload, payload.readerIndex(), payload.readableBytes(), "");
    }

    /**
     * As {@link #parse(ByteBuf)}, for the {@code length} bytes at {@code index}; when the map name
     * is {@code knownMapName} that string is reused rather than copied again.
     */
    static SocketmapRequest parse(ByteBuf buffer, int index, int length, String knownMapName) {
        if (!ByteBufUtil.isText(buffer, index, length, StandardCharsets.US_ASCII)) {
            return parse(decodeUtf8(buffer, index, length));
        }
        int space = buffer.indexOf(index, index + length, (byte) ' ');
        if (space < 0) {
            throw noSpace();
        }
        String mapName = sameAscii(buffer, index, space - index, knownMapName)
                ? knownMapName : buffer.toString(index, space - index, StandardCharsets.US_ASCII);
        return new SocketmapRequest(mapName, buffer.toString(space + 1, index + length - space - 1, StandardCharsets.US_ASCII));
    }

    private static boolean sameAscii(ByteBuf buffer, int index, int length, String text) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(index + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String decodeUtf8(ByteBuf buffer, int index, int length) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer.nioBuffer(index, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SocketmapCodecException("socketmap request is not valid UTF-8");
        }
        return text;
    }

    public static SocketmapRequest parse(String text) {
        int space = text.indexOf(' ');
        if (space < 0) {
            throw noSpace();
        }
        return new SocketmapRequest(text.substring(0, space), text.substring(space + 1));
    }

    private static SocketmapCodecException noSpace() {
        return new SocketmapCodecException("socketmap request has no space between map name and key");
    }

    private static void requireNoControl(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new SocketmapCodecException("socketmap " + what + " contains a control character");
            }
        }
    }

    @Override
    public String toString() {
        return mapName + " " + key;
    }
}
