package org.starttls.policyd.server.socketmap;

import java.io.IOException;
import java.util.function.Supplier;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/** Starts the socketmap door: {@code smtp_tls_policy_maps = socketmap:inet:HOST:PORT:NAME}, Sendmail {@code FEATURE(sts)}. */
public final class SocketmapServer {
    /** The door's name in log lines. */
    public static final String NAME = "socketmap";

    private SocketmapServer() {
    }

    /** The door answering every request from {@code maps}. */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            SocketmapMaps maps) throws IOException {
        SocketmapResponder responder = new SocketmapResponder(maps);
        return start(factory, address, transport, () -> responder);
    }

    /**
     * The door as the daemon runs it: {@code responder} is read for every request (the daemon's
     * current answering snapshot), so a reload reaches open connections too.
     */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            Supplier<? extends SocketmapAnswerSource> responder) throws IOException {
        return factory.start(NAME, address, transport, new SocketmapProtocol(responder));
    }
}
