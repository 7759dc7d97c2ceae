package org.starttls.policyd.server.socketmap;

import io.netty.handler.codec.DecoderException;

/** A request that breaks the socketmap protocol: bad netstring framing or a malformed {@code NAME KEY}. */
final class SocketmapCodecException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public SocketmapCodecException(String message) {
        super(message);
    }
}
