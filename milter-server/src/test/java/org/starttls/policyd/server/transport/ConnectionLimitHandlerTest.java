package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;
import static org.starttls.policyd.server.transport.TransportTimersTest.replies;
import static org.starttls.policyd.server.transport.TransportTimersTest.send;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapProtocol;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.testing.TestLists;

/**
 * A door at its connection limit, on embedded connections that share the door's pipeline and one
 * clock that moves only when told.
 */
class ConnectionLimitHandlerTest {
    private static final String NOTFOUND = netstring("NOTFOUND ");
    private static final String HALF_SENT = "15:sts exam";
    private static final ProtocolPipeline SOCKETMAP =
            new SocketmapProtocol(new SocketmapResponder(SocketmapMaps.allDefault(TestLists.effEngine())));

    private final MockTicker clock = Ticker.newMockTicker();

    private EmbeddedChannel connect(TransportPipeline door) {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(clock).build();
        channel.pipeline().addLast(door);
        channel.pipeline().fireChannelActive();
        return channel;
    }

    private void advance(Duration by) {
        clock.advance(by.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs what each connection's event loop has queued, in order, twice (a close hands back to the newcomer). */
    private static void runLoops(EmbeddedChannel... channels) {
        for (int round = 0; round < 2; round++) {
            for (EmbeddedChannel channel : channels) {
                channel.runPendingTasks();
            }
        }
    }

    @Test
    void theGraceIsASecondOrHalfTheRequestDeadline() {
        assertEquals(Duration.ofSeconds(1), ConnectionLimitHandler.halfSentGraceFor(Duration.ofSeconds(10)));
        assertEquals(Duration.ofMillis(300), ConnectionLimitHandler.halfSentGraceFor(Duration.ofMillis(600)));
    }

    @Test
    void atTheLimitTheRequestHalfSentLongestPastTheGraceMakesRoomForANewcomer() {
        // Request deadline 10 s: grace 1 s.
        TransportPipeline door = new TransportPipeline("test", TransportSettings.DEFAULTS.withMaxConnections(2), SOCKETMAP, clock);
        EmbeddedChannel first = connect(door);
        send(first, HALF_SENT);
        advance(Duration.ofMillis(200));
        EmbeddedChannel second = connect(door);
        send(second, HALF_SENT);
        advance(Duration.ofMillis(799));

        EmbeddedChannel early = connect(door);
        runLoops(first, second, early);
        assertFalse(early.isOpen(), "999 ms after the oldest half-sent request began: within the grace, refused");
        assertTrue(first.isOpen() && second.isOpen());

        advance(Duration.ofMillis(1));
        EmbeddedChannel newcomer = connect(door);
        runLoops(first, second, newcomer);
        assertFalse(first.isOpen(), "the request half-sent the longest, for the grace, is closed for the newcomer");
        assertTrue(second.isOpen(), "the younger half-sent request is kept");
        assertTrue(newcomer.isOpen(), "the newcomer is served");
        send(newcomer, netstring("sts example.com"));
        assertEquals(NOTFOUND, replies(newcomer));
        send(second, "ple.com,");
        assertEquals(NOTFOUND, replies(second));
        assertEquals(2, door.limit().openConnections());
    }

    @Test
    void aRequestStartedAfterAnAnswerCountsFromItsOwnFirstByte() {
        TransportPipeline door = new TransportPipeline("test", TransportSettings.DEFAULTS.withMaxConnections(1), SOCKETMAP, clock);
        EmbeddedChannel client = connect(door);
        send(client, netstring("sts example.com"));
        assertEquals(NOTFOUND, replies(client));
        advance(Duration.ofSeconds(5));
        send(client, netstring("sts example.com") + HALF_SENT); // answered, then the next one begins now
        assertEquals(NOTFOUND, replies(client));
        advance(Duration.ofMillis(500));

        EmbeddedChannel newcomer = connect(door);
        runLoops(client, newcomer);
        assertFalse(newcomer.isOpen(), "the half-sent request began 500 ms ago, not when the connection opened");
        assertTrue(client.isOpen());

        advance(Duration.ofMillis(500));
        EmbeddedChannel later = connect(door);
        runLoops(client, later);
        assertFalse(client.isOpen(), "half-sent for the grace now");
        send(later, netstring("sts example.com"));
        assertEquals(NOTFOUND, replies(later));
    }
}
