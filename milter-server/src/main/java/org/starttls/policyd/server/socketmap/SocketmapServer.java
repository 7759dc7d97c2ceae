package org.starttls.policyd.server.socketmap;

import java.io.IOException;
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

    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            SocketmapMaps maps) throws IOException {
        return factory.start(NAME, address, transport, new SocketmapProtocol(new SocketmapResponder(maps)));
    }
}
