package org.starttls.policyd.server.daemon;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls.policyd.server.transport.ProtocolPipeline;

/**
 * A door's protocol that a reload can replace without closing the listening socket: each new
 * connection gets the current handlers; connections already open finish with what they had (the
 * MTA reconnects soon enough, and no request ever sees half of a change).
 */
final class ReloadableProtocol implements ProtocolPipeline {
    private final AtomicReference<ProtocolPipeline> current;

    ReloadableProtocol(ProtocolPipeline initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    void replace(ProtocolPipeline next) {
        current.set(Objects.requireNonNull(next, "next"));
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        current.get().addProtocolHandlers(pipeline);
    }
}
