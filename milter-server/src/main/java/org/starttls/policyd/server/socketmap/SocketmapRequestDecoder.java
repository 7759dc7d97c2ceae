package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads each netstring payload as a socketmap request, straight from the read buffer, checked as
 * {@link SocketmapRequest} checks one: {@link #read} leaves the map name in {@link #mapName} and
 * the key in {@link #key}, or, for a short request of printable ASCII (what MTAs send), the key's
 * bytes in {@link #keyBytes}, so a door that can answer from bytes makes no string at all. One per
 * connection. Such a request is copied out of the buffer once and checked and split in that copy
 * in one pass; an MTA asks one map name over and over on a connection, so the last name is kept
 * and reused while the bytes match. Anything else (longer, other bytes, malformed) goes through
 * {@link SocketmapRequest#parse}, which also words the errors.
 */
final class SocketmapRequestDecoder {
    /** Requests up to this long take the one-copy path (a domain key is at most 253 + a port). */
    static final int COPIED_BYTES = 320;

    private byte[] copy;
    private String lastMapName = "";
    private byte[] lastMapNameBytes = new byte[0];
    /** The last request's key as a string: made by the careful path, or on the first {@link #key} call. */
    private String key;
    private int keyOffset;
    private int keyLength;

    /**
     * Reads the request in the {@code length} bytes at {@code index}: its map name is then
     * {@link #mapName} and its key {@link #key}.
     *
     * @return true when the key's bytes are also at hand, printable ASCII: {@link #keyBytes} from
     *     {@link #keyOffset}, {@link #keyLength} of them
     * @throws SocketmapCodecException when the payload is not {@code NAME<space>KEY} in UTF-8
     */
    boolean read(ByteBuf buffer, int index, int length) {
        key = null;
        keyLength = 0;
        if (length > COPIED_BYTES) {
            return readCarefully(buffer, index, length);
        }
        if (copy == null) {
            copy = new byte[COPIED_BYTES];
        }
        byte[] bytes = copy;
        buffer.getBytes(index, bytes, 0, length);
        int space = -1;
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b < 0x20 || b == 0x7f) {
                // Not printable ASCII (a control byte, or UTF-8): the careful path decides.
                return readCarefully(buffer, index, length);
            }
            if (b == ' ' && space < 0) {
                space = i;
            }
        }
        if (space <= 0 || space == length - 1) {
            // No space, or no map name or key: the careful path throws the error that says which.
            return readCarefully(buffer, index, length);
        }
        if (!Arrays.equals(bytes, 0, space, lastMapNameBytes, 0, lastMapNameBytes.length)) {
            lastMapName = new String(bytes, 0, space, StandardCharsets.ISO_8859_1);
            lastMapNameBytes = Arrays.copyOf(bytes, space);
        }
        keyOffset = space + 1;
        keyLength = length - space - 1;
        return true;
    }

    /** The map name of the request {@link #read} read last ({@code ""} before the first). */
    String mapName() {
        return lastMapName;
    }

    /** The key of the request {@link #read} read last. */
    String key() {
        if (key == null) {
            key = new String(copy, keyOffset, keyLength, StandardCharsets.ISO_8859_1);
        }
        return key;
    }

    /** Where the last key's bytes are, when {@link #read} said so; overwritten by the next read. */
    byte[] keyBytes() {
        return copy;
    }

    int keyOffset() {
        return keyOffset;
    }

    int keyLength() {
        return keyLength;
    }

    private boolean readCarefully(ByteBuf buffer, int index, int length) {
        SocketmapRequest request = SocketmapRequest.parse(buffer, index, length, lastMapName);
        if (!request.mapName().equals(lastMapName)) {
            lastMapName = request.mapName();
            lastMapNameBytes = lastMapName.getBytes(StandardCharsets.UTF_8);
        }
        key = request.key();
        return false;
    }
}
