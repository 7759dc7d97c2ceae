package org.starttls.policyd.fetcher.testworld.dnssec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks a port free for both UDP and TCP on 127.0.0.1, for a server the world starts next. */
final class LoopbackPorts {
    private static final int ATTEMPTS = 50;

    private LoopbackPorts() {}

    static int freePort() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(loopback, 0));
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                    return udp.getLocalPort();
                } catch (IOException udpTaken) {
                    // taken for UDP only: try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a loopback port", e);
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on loopback after " + ATTEMPTS + " tries");
    }
}
