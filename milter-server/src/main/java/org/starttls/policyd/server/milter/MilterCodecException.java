package org.starttls.policyd.server.milter;

import io.netty.handler.codec.DecoderException;

/** Input that is not valid milter: the connection that sent it is closed. */
final class MilterCodecException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public MilterCodecException(String message) {
        super(message);
    }
}
