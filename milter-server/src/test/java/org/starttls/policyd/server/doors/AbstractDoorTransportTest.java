package org.starttls.policyd.server.doors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls.policyd.server.testing.ChannelClient;
import org.starttls.policyd.server.testing.Golden;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * What every door promises whatever it listens on: its golden dialogue at any read size, a kept
 * connection answered again and again, a request that never finishes cut off at the deadline
 * without harm to others, and room made for a newcomer at the connection limit. Subclasses bind
 * a transport (TCP, unix socket); the doors are built as the daemon builds them ({@link Door}).
 */
abstract class AbstractDoorTransportTest {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30); // a hang guard: closes come at once
    private static EventLoops loops;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(2, true);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    /** Where {@code door} listens in this transport. */
    abstract ListenAddress address(Path dir, Door door);

    /** The address a client connects to. */
    abstract SocketAddress clientAddress(RunningServer server);

    RunningServer start(Door door, TransportSettings transport) throws IOException {
        return new ServerFactory(loops).start(door.name, address(dir, door), transport, door.protocol());
    }

    ChannelClient connect(RunningServer server) throws IOException {
        return ChannelClient.connect(clientAddress(server));
    }

    /** A new connection past its opening (the milter's negotiation). */
    ChannelClient open(RunningServer server, Door door) throws IOException {
        ChannelClient client = connect(server);
        if (door.opening.length > 0) {
            client.send(door.opening, Integer.MAX_VALUE);
            byte[] reply = client.read(door.openingReplyBytes(), 4096);
            assertArrayEquals(door.openingReplyStart, Arrays.copyOf(reply, door.openingReplyStart.length));
        }
        return client;
    }

    static void assertAnswers(ChannelClient client, Door door) throws IOException {
        client.send(door.request, Integer.MAX_VALUE);
        assertEquals(text(door.reply), text(client.read(door.reply.length, 4096)));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static Stream<Arguments> doorsAndReadSizes() {
        return Arrays.stream(Door.values()).flatMap(door -> Stream.of(4096, 128, 16, 1).map(size -> Arguments.of(door, size)));
    }

    @ParameterizedTest(name = "{0} at read size {1}")
    @MethodSource("doorsAndReadSizes")
    void replaysTheGoldenDialogue(Door door, int readSize) throws IOException {
        Golden golden = door.golden();
        try (RunningServer server = start(door, door.transport.withReadBufferBytes(readSize));
                ChannelClient client = connect(server)) {
            try {
                client.send(golden.client(), readSize);
            } catch (IOException e) {
                // The server may close as soon as it has seen the dialogue's last, malformed line,
                // before the client's final bytes (a policy request's empty line) are written;
                // what it answered before is still there to read.
            }
            assertEquals(text(golden.server()), text(client.read(golden.server().length, readSize)));
            assertTrue(client.closedWithin(CLOSE_WAIT), "the dialogue ends with the server closing");
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void answersAgainAndAgainOnAKeptConnection(Door door) throws IOException {
        try (RunningServer server = start(door, door.transport); ChannelClient client = open(server, door)) {
            for (int i = 0; i < 3; i++) {
                assertAnswers(client, door);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void anUnfinishedRequestIsCutOffAtTheDeadlineAndOthersAreServed(Door door) throws IOException {
        try (RunningServer server = start(door, door.transport.withRequestTimeout(Duration.ofMillis(200)));
                ChannelClient other = open(server, door); ChannelClient slow = open(server, door)) {
            slow.send(door.unfinishedRequest, Integer.MAX_VALUE);
            assertTrue(slow.closedWithin(CLOSE_WAIT), "cut off at the request deadline");
            assertAnswers(other, door);
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aClientThatVanishesMidRequestHarmsNoOne(Door door) throws IOException {
        try (RunningServer server = start(door, door.transport); ChannelClient other = open(server, door)) {
            try (ChannelClient vanishing = open(server, door)) {
                vanishing.send(door.unfinishedRequest, Integer.MAX_VALUE);
            }
            assertAnswers(other, door);
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void atTheLimitTheLongestIdleConnectionMakesRoomForANewcomer(Door door) throws IOException {
        try (RunningServer server = start(door, door.transport.withMaxConnections(2));
                ChannelClient one = open(server, door); ChannelClient two = open(server, door)) {
            assertAnswers(one, door);
            assertAnswers(two, door);
            assertAnswers(one, door); // two has been idle the longest
            try (ChannelClient three = open(server, door)) {
                assertAnswers(three, door);
                assertTrue(two.closedWithin(CLOSE_WAIT), "the longest-idle connection made room");
                assertAnswers(one, door);
            }
        }
    }
}
