package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads each netstring payload as a socketmap request, straight from the read buffer, checked as
 * {@link SocketmapRequest} checks one: {@link #readKey} returns the key and leaves the map name in
 * {@link #mapName}, so a request costs its key's string and nothing more. One per connection. A
 * short request of printable ASCII, what MTAs send, is copied out of the buffer once and checked
 * and split in that copy in one pass; an MTA asks one map name over and over on a connection, so
 * the last name is kept and reused while the bytes match. Anything else (longer, other bytes,
 * malformed) goes through {@link SocketmapRequest#parse}, which also words the errors.
 */
final class SocketmapRequestDecoder {
    /** Requests up to this long take the one-copy path (a domain key is at most 253 + a port). */
    static final int COPIED_BYTES = 320;

    private byte[] copy;
    private String lastMapName = "";
    private byte[] lastMapNameBytes = new byte[0];

    /**
     * The key of the request in the {@code length} bytes at {@code index}; its map name is then
     * {@link #mapName}.
     *
     * @throws SocketmapCodecException when the payload is not {@code NAME<space>KEY} in UTF-8
     */
    String readKey(ByteBuf buffer, int index, int length) {
        if (length > COPIED_BYTES) {
            return remember(SocketmapRequest.parse(buffer, index, length, lastMapName));
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
                return remember(SocketmapRequest.parse(buffer, index, length, lastMapName));
            }
            if (b == ' ' && space < 0) {
                space = i;
            }
        }
        if (space <= 0 || space == length - 1) {
            // No space, or no map name or key: the careful path throws the error that says which.
            return remember(SocketmapRequest.parse(buffer, index, length, lastMapName));
        }
        if (!Arrays.equals(bytes, 0, space, lastMapNameBytes, 0, lastMapNameBytes.length)) {
            lastMapName = new String(bytes, 0, space, StandardCharsets.ISO_8859_1);
            lastMapNameBytes = Arrays.copyOf(bytes, space);
        }
        return new String(bytes, space + 1, length - space - 1, StandardCharsets.ISO_8859_1);
    }

    /** The map name of the request {@link #readKey} read last ({@code ""} before the first). */
    String mapName() {
        return lastMapName;
    }

    private String remember(SocketmapRequest request) {
        if (!request.mapName().equals(lastMapName)) {
            lastMapName = request.mapName();
            lastMapNameBytes = lastMapName.getBytes(StandardCharsets.UTF_8);
        }
        return request.key();
    }
}
