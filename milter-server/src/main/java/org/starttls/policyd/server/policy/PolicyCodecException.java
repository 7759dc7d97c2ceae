package org.starttls.policyd.server.policy;

import io.netty.handler.codec.DecoderException;

/** Input that breaks the policy delegation protocol: the connection is logged and closed, never answered. */
final class PolicyCodecException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public PolicyCodecException(String message) {
        super(message);
    }
}
