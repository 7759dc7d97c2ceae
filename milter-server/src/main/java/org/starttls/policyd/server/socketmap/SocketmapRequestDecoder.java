package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;

/**
 * Turns each netstring payload into a {@link SocketmapRequest}, straight from the read buffer (no
 * slice, no copy but the strings). One per connection: an MTA asks one map name over and over on a
 * connection, so the last name is kept and reused while the bytes match.
 */
final class SocketmapRequestDecoder {
    private String lastMapName = "";

    /** @throws SocketmapCodecException when the payload is not {@code NAME<space>KEY} in UTF-8 */
    SocketmapRequest read(ByteBuf buffer, int index, int length) {
        SocketmapRequest request = SocketmapRequest.parse(buffer, index, length, lastMapName);
        lastMapName = request.mapName();
        return request;
    }
}
