package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;

/**
 * Turns each netstring payload into a {@link SocketmapRequest}, straight from the read buffer (no
 * slice, no handler of its own). One per connection: an MTA asks one map name over and over on a
 * connection, so the last name is kept and reused while the bytes match.
 */
final class SocketmapRequestDecoder implements NetstringDecoder.PayloadReader {
    private String lastMapName = "";

    @Override
    public SocketmapRequest read(ByteBuf buffer, int index, int length) {
        SocketmapRequest request = SocketmapRequest.parse(buffer, index, length, lastMapName);
        lastMapName = request.mapName();
        return request;
    }
}
