package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import java.net.SocketAddress;

/** How a connection is named in log lines: the peer address, or the channel id for unix sockets. */
final class Connections {
    private Connections() {
    }

    static String describe(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
        String peer = remote == null ? "" : remote.toString();
        return peer.isEmpty() || peer.equals("null") ? "connection " + channel.id().asShortText()
                : "connection " + channel.id().asShortText() + " from " + peer;
    }
}
