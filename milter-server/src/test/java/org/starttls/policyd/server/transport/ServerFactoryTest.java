package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
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
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.policy.PolicyResponder;
import org.starttls.policyd.server.policy.PolicyServiceProtocol;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapProtocol;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.testing.LineClient;
import org.starttls.policyd.server.testing.TestLists;

/**
 * The transport handlers, exercised through the socketmap protocol on real sockets. The connection
 * limit's tests run the door on a clock the test moves, so the half-sent grace is crossed by the
 * test's word, never by waiting (the rule itself is proven on embedded connections in
 * {@link ConnectionLimitHandlerTest}; this proves the wiring).
 */
class ServerFactoryTest {
    private static final String NOTFOUND = netstring("NOTFOUND ");
    private static EventLoops loops;
    private static ProtocolPipeline socketmap;
    private final MockTicker clock = Ticker.newMockTicker();

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

    /** A door whose connection limit and timers go by {@link #clock}, which only the test moves. */
    private RunningServer startOnTheTestClock(TransportSettings settings) throws IOException {
        return new ServerFactory(loops, clock).start("test", ListenAddress.parse("127.0.0.1:0"), settings, socketmap);
    }

    private void advance(Duration by) {
        clock.advance(by.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Sends a whole request and the start of the next in one write, and reads the answer: the
     * server has then read the half-sent request, at a time on the clock before the answer left.
     */
    private static void leaveHalfSent(LineClient client) throws IOException {
        client.send(netstring("sts example.com") + "15:sts exam");
        assertEquals(NOTFOUND, client.read(NOTFOUND.length()));
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
    void shortRequestsStillGetReadBuffersLargeEnoughForAPolicyReply() throws Exception {
        // Records the capacity of every read buffer and echoes one byte so the client reads in turn.
        List<Integer> capacities = java.util.Collections.synchronizedList(new ArrayList<>());
        ProtocolPipeline recording = pipeline -> pipeline.addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                io.netty.buffer.ByteBuf read = (io.netty.buffer.ByteBuf) msg;
                capacities.add(read.capacity());
                read.release();
                ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('.'));
            }
        });
        try (RunningServer server = new ServerFactory(loops).start("test", ListenAddress.parse("127.0.0.1:0"),
                TransportSettings.DEFAULTS, recording);
                LineClient client = new LineClient(server.port())) {
            // Netty's adaptive sizing shrinks its guess after small reads, down to 64 bytes by itself.
            for (int i = 0; i < 40; i++) {
                client.send(netstring("sts example.com"));
                assertEquals(".", client.read(1));
            }
        }
        assertEquals(40, capacities.size());
        assertTrue(capacities.stream().allMatch(c -> c >= ServerFactory.MIN_READ_BUFFER_BYTES), capacities.toString());
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
    void atTheLimitTheLongestIdleConnectionMakesRoomForANewcomer() throws IOException {
        try (RunningServer server = start(TransportSettings.DEFAULTS.withMaxConnections(2));
                LineClient one = new LineClient(server.port()); LineClient two = new LineClient(server.port())) {
            assertAnswers(one);
            assertAnswers(two);
            assertAnswers(one); // now two has been idle the longest
            try (LineClient three = new LineClient(server.port())) {
                assertAnswers(three);
                assertTrue(two.closedWithin(30_000), "the longest-idle connection was closed for the newcomer");
                assertAnswers(one);
                assertAnswers(three);
                assertEquals(2, server.openConnections());
            }
        }
    }

    @Test
    void aThousandAndTwentyFourIdleConnectionsDoNotLockOutANewLookup() throws IOException {
        List<LineClient> idle = new ArrayList<>();
        try (RunningServer server = start(TransportSettings.DEFAULTS)) {
            try {
                for (int i = 0; i < TransportSettings.DEFAULT_MAX_CONNECTIONS; i++) {
                    idle.add(new LineClient(server.port()));
                }
                assertAnswers(idle.get(idle.size() - 1));
                try (LineClient postfix = new LineClient(server.port())) {
                    assertAnswers(postfix);
                }
                assertAnswers(idle.get(idle.size() - 1));
            } finally {
                for (LineClient client : idle) {
                    client.close();
                }
            }
        }
    }

    @Test
    void atTheLimitANewcomerIsRefusedOnlyWhenEveryConnectionIsMidRequest() throws IOException {
        // Request deadline 10 s, so the grace is 1 s.
        try (RunningServer server = startOnTheTestClock(TransportSettings.DEFAULTS.withMaxConnections(2));
                LineClient one = new LineClient(server.port()); LineClient two = new LineClient(server.port())) {
            leaveHalfSent(one);
            leaveHalfSent(two);
            advance(ConnectionLimitHandler.MAX_HALF_SENT_GRACE.minusNanos(1));
            try (LineClient three = new LineClient(server.port())) {
                assertTrue(three.closedWithin(30_000),
                        "no connection is idle and none half-sent for the grace: the newcomer is refused");
            }
            one.send("ple.com,");
            assertEquals(NOTFOUND, one.read(NOTFOUND.length()));
            two.send("ple.com,");
            assertEquals(NOTFOUND, two.read(NOTFOUND.length()));
        }
    }

    @Test
    void requestsLeftHalfSentOnEveryConnectionDoNotLockOutANewcomerPastTheGrace() throws IOException {
        int max = 4;
        Duration apart = Duration.ofMillis(1);
        List<LineClient> stalled = new ArrayList<>();
        // Request deadline 10 s, so the grace is 1 s: the newcomer comes well before any deadline.
        try (RunningServer server = startOnTheTestClock(TransportSettings.DEFAULTS.withMaxConnections(max))) {
            try {
                for (int i = 0; i < max; i++) {
                    LineClient client = new LineClient(server.port());
                    stalled.add(client);
                    leaveHalfSent(client);
                    advance(apart);
                }
                // The first request has now been half-sent for exactly the grace, the second 1 ms less.
                advance(ConnectionLimitHandler.MAX_HALF_SENT_GRACE.minus(apart.multipliedBy(max)));
                try (LineClient newcomer = new LineClient(server.port())) {
                    assertAnswers(newcomer);
                    assertTrue(stalled.get(0).closedWithin(30_000), "the oldest half-sent request made room");
                    for (LineClient kept : stalled.subList(1, max)) {
                        kept.send("ple.com,");
                        assertEquals(NOTFOUND, kept.read(NOTFOUND.length()), "a younger half-sent request is kept");
                    }
                    assertEquals(max, server.openConnections());
                }
            } finally {
                for (LineClient client : stalled) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aConnectionWaitingForAnAnswerIsNotIdle() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch decide = new CountDownLatch(1);
        ExecutorService slowDecisions = Executors.newSingleThreadExecutor();
        ReceiptDecider waiting = domain -> {
            asked.countDown();
            try {
                decide.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Decision.noPolicy(domain, null, "not listed");
        };
        ProtocolPipeline policy = new PolicyServiceProtocol(
                new PolicyResponder(waiting, PolicyServiceSettings.DEFAULTS), slowDecisions);
        String dunno = "action=DUNNO\n\n";
        try (RunningServer server = new ServerFactory(loops).start("policy", ListenAddress.parse("127.0.0.1:0"),
                TransportSettings.DEFAULTS.withMaxConnections(1), policy);
                LineClient postfix = new LineClient(server.port())) {
            postfix.send("request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=a@example.com\n\n");
            assertTrue(asked.await(10, TimeUnit.SECONDS), "the request reached the decider");
            try (LineClient newcomer = new LineClient(server.port())) {
                assertTrue(newcomer.closedWithin(30_000), "the only connection waits for its answer: refused");
            }
            decide.countDown();
            assertEquals(dunno, postfix.read(dunno.length()));
        } finally {
            decide.countDown();
            slowDecisions.shutdownNow();
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
    void aUnixSocketGetsItsGroupAndModeAfterBind(@TempDir Path dir) throws IOException {
        String group = Files.readAttributes(Files.createTempFile(dir, "g", ""), PosixFileAttributes.class).group().getName();
        // Root may hand the socket to any group; anyone else to a group of their own.
        String target = group.equals("root") && groupExists("daemon") ? "daemon" : group;
        Path socket = dir.resolve("door.sock");
        TransportSettings settings = TransportSettings.DEFAULTS.withUnixSocketMode(TransportSettings.parseMode("0660"))
                .withUnixSocketGroup(target);
        try (RunningServer server = new ServerFactory(loops).start("unix", ListenAddress.unix(socket), settings, socketmap)) {
            PosixFileAttributes attributes = Files.readAttributes(socket, PosixFileAttributes.class);
            assertEquals(target, attributes.group().getName());
            assertEquals(PosixFilePermissions.fromString("rw-rw----"), attributes.permissions());
        }
        IOException unknown = assertThrows(IOException.class, () -> new ServerFactory(loops).start("unix",
                ListenAddress.unix(socket), settings.withUnixSocketGroup("no-such-group-here"), socketmap));
        assertTrue(unknown.getMessage().contains("no-such-group-here"), unknown.getMessage());
    }

    private static boolean groupExists(String name) {
        try {
            java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
            return true;
        } catch (IOException e) {
            return false;
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
