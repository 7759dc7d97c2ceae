package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapProtocol;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.testing.LineClient;
import org.starttls.policyd.server.testing.TestLists;

/** The transport handlers, exercised through the socketmap protocol on real sockets. */
class ServerFactoryTest {
    private static final String NOTFOUND = netstring("NOTFOUND ");
    private static EventLoops loops;
    private static ProtocolPipeline socketmap;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(2, true);
        socketmap = new SocketmapProtocol(new SocketmapResponder(SocketmapMaps.allDefault(TestLists.effEngine())));
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    private static RunningServer start(TransportSettings settings) throws IOException {
        return new ServerFactory(loops).start("test", ListenAddress.parse("127.0.0.1:0"), settings, socketmap);
    }

    private static void assertAnswers(LineClient client) throws IOException {
        client.send(netstring("sts example.com"));
        assertEquals(NOTFOUND, client.read(NOTFOUND.length()));
    }

    @Test
    void bindsAnyFreePortAndReportsIt() throws IOException {
        try (RunningServer server = start(TransportSettings.DEFAULTS)) {
            assertTrue(server.port() > 0);
            assertEquals(0, server.address().port());
            try (LineClient client = new LineClient(server.port())) {
                assertAnswers(client);
            }
        }
    }

    @Test
    void aPortInUseFailsWithTheAddressInTheMessage() throws IOException {
        try (RunningServer first = start(TransportSettings.DEFAULTS)) {
            IOException e = assertThrows(IOException.class, () -> new ServerFactory(loops)
                    .start("second", ListenAddress.tcp("127.0.0.1", first.port()), TransportSettings.DEFAULTS, socketmap));
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    @Test
    void enforcesTheConnectionLimit() throws IOException {
        try (RunningServer server = start(TransportSettings.DEFAULTS.withMaxConnections(2));
                LineClient one = new LineClient(server.port()); LineClient two = new LineClient(server.port())) {
            assertAnswers(one);
            assertAnswers(two);
            try (LineClient three = new LineClient(server.port())) {
                assertTrue(three.closedWithin(5_000), "a third connection is closed on arrival");
            }
            assertAnswers(one);
            assertEquals(2, server.openConnections());
        }
    }

    @Test
    void aStartedRequestHasADeadlineButAnIdleConnectionIsKept() throws IOException {
        TransportSettings settings = TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(200));
        try (RunningServer server = start(settings); LineClient idle = new LineClient(server.port());
                LineClient slow = new LineClient(server.port())) {
            assertAnswers(idle);
            slow.send("15:sts exam");
            assertTrue(slow.closedWithin(5_000), "an unfinished request is cut off");
            // Much longer than the request deadline has passed for the idle one by now.
            assertFalse(idle.closedWithin(400), "an idle connection between requests is kept");
            assertAnswers(idle);
        }
    }

    @Test
    void aRequestStartedInTheSameReadThatFinishedTheLastGetsAFullDeadline() throws IOException {
        TransportSettings settings = TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(1_000));
        try (RunningServer server = start(settings); LineClient client = new LineClient(server.port())) {
            client.send("15:sts exam");
            assertFalse(client.closedWithin(600));
            client.send("ple.com,15:sts exam"); // finishes the first request and starts the second
            assertEquals(NOTFOUND, client.read(NOTFOUND.length()));
            // A deadline still counted from the first request's start would expire during this wait.
            assertFalse(client.closedWithin(600), "the second request has its own deadline");
            client.send("ple.com,");
            assertEquals(NOTFOUND, client.read(NOTFOUND.length()));
        }
    }

    @Test
    void closesAConnectionIdleForTheIdleTimeout() throws IOException {
        TransportSettings settings = TransportSettings.DEFAULTS.withIdleTimeout(Duration.ofMillis(300));
        try (RunningServer server = start(settings); LineClient client = new LineClient(server.port())) {
            assertAnswers(client);
            assertTrue(client.closedWithin(5_000));
        }
    }

    @Test
    void servesAUnixSocketWithOwnerOnlyModeAndRemovesItOnClose(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("socketmap.sock");
        Files.createFile(socket);
        ServerFactory factory = new ServerFactory(loops);
        IOException inTheWay = assertThrows(IOException.class,
                () -> factory.start("unix", ListenAddress.unix(socket), TransportSettings.DEFAULTS, socketmap));
        assertTrue(inTheWay.getMessage().contains("not a socket"), inTheWay.getMessage());
        Files.delete(socket);

        RunningServer server;
        try {
            server = factory.start("unix", ListenAddress.unix(socket), TransportSettings.DEFAULTS, socketmap);
        } catch (IOException e) {
            assumeTrue(false, "unix sockets unavailable here: " + e.getMessage());
            return;
        }
        try (server) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                OutputStream out = Channels.newOutputStream(channel);
                InputStream in = Channels.newInputStream(channel);
                out.write(netstring("sts example.com").getBytes(StandardCharsets.US_ASCII));
                assertEquals(NOTFOUND, new String(in.readNBytes(NOTFOUND.length()), StandardCharsets.US_ASCII));
            }
        }
        assertFalse(Files.exists(socket), "socket file removed on close");

        // A stale socket file from an earlier run is replaced.
        try (ServerSocketChannel earlier = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            earlier.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "the stale socket file is there");
        try (RunningServer first = factory.start("unix", ListenAddress.unix(socket),
                TransportSettings.DEFAULTS.withUnixSocketMode(TransportSettings.parseMode("0660")), socketmap)) {
            assertTrue(first.isOpen());
            assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(socket));
        }
    }


    @Test
    void nioLoopsServeTcpAndUnixSocketsToo(@TempDir Path dir) throws IOException {
        try (EventLoops nio = EventLoops.create(1, false)) {
            assertFalse(nio.isNative());
            ServerFactory factory = new ServerFactory(nio);
            try (RunningServer tcp = factory.start("nio", ListenAddress.parse("127.0.0.1:0"), TransportSettings.DEFAULTS, socketmap);
                    LineClient client = new LineClient(tcp.port())) {
                assertAnswers(client);
            }
            Path socket = dir.resolve("nio.sock");
            try (RunningServer unix = factory.start("nio", ListenAddress.unix(socket), TransportSettings.DEFAULTS, socketmap);
                    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(unix.isOpen());
                assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
                channel.connect(UnixDomainSocketAddress.of(socket));
                Channels.newOutputStream(channel).write(netstring("sts example.com").getBytes(StandardCharsets.US_ASCII));
                assertEquals(NOTFOUND, new String(Channels.newInputStream(channel).readNBytes(NOTFOUND.length()),
                        StandardCharsets.US_ASCII));
            }
        }
    }
}
