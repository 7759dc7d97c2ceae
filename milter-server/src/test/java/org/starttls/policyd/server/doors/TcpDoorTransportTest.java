package org.starttls.policyd.server.doors;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;

/** The doors' contract over TCP on loopback. */
class TcpDoorTransportTest extends AbstractDoorTransportTest {
    @Override
    ListenAddress address(Path dir, Door door) {
        return ListenAddress.tcp("127.0.0.1", 0);
    }

    @Override
    SocketAddress clientAddress(RunningServer server) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }
}
