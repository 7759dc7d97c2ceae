package org.starttls.policyd.server.doors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;

/** The doors' contract over unix sockets, plus the socket file's mode. */
class UnixDoorTransportTest extends AbstractDoorTransportTest {
    @Override
    ListenAddress address(Path dir, Door door) {
        return ListenAddress.unix(dir.resolve(door.name + ".sock"));
    }

    @Override
    SocketAddress clientAddress(RunningServer server) {
        return UnixDomainSocketAddress.of(server.address().unixPath());
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void theSocketFileHasTheDoorsModeAndIsRemovedOnClose(Door door) throws IOException {
        Path socket;
        try (RunningServer server = start(door, door.transport)) {
            socket = server.address().unixPath();
            assertEquals(door.transport.unixSocketMode(), Files.getPosixFilePermissions(socket));
        }
        assertEquals(false, Files.exists(socket));
    }
}
