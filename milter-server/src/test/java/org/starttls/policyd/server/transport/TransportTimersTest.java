package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapProtocol;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.testing.TestLists;

/**
 * The transport's timers (request deadline, idle timeout) on the pipeline a door's connection
 * gets, driven by clocks the test moves instead of waiting.
 */
class TransportTimersTest {
    private static final String NOTFOUND = netstring("NOTFOUND ");
    private static final ProtocolPipeline SOCKETMAP =
            new SocketmapProtocol(new SocketmapResponder(SocketmapMaps.allDefault(TestLists.effEngine())));

    /** A connection as {@link ServerFactory} builds it, on an embedded channel whose clock moves only when told. */
    static EmbeddedChannel connection(TransportSettings settings, ProtocolPipeline protocol) {
        EmbeddedChannel channel = frozenChannel();
        return open(channel, new TransportPipeline("test", settings, protocol, channel.eventLoop().ticker()));
    }

    /** As above, but the transport goes by a clock of its own, which the test moves apart from the loop's. */
    private static EmbeddedChannel connection(TransportSettings settings, ProtocolPipeline protocol, Ticker transportClock) {
        return open(frozenChannel(), new TransportPipeline("test", settings, protocol, transportClock));
    }

    private static EmbeddedChannel frozenChannel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        return channel;
    }

    private static EmbeddedChannel open(EmbeddedChannel channel, TransportPipeline door) {
        channel.pipeline().addLast(door);
        channel.pipeline().fireChannelActive();
        return channel;
    }

    static void send(EmbeddedChannel channel, String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    static void send(EmbeddedChannel channel, byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** Everything written to the client so far. */
    static String replies(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            text.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return text.toString();
    }

    /** Moves the channel's clock on and runs what became due. */
    static void advance(EmbeddedChannel channel, Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
    }

    @Test
    void aStartedRequestIsClosedAtItsDeadlineAndNotBefore() {
        EmbeddedChannel channel = connection(TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(1)), SOCKETMAP);
        send(channel, "15:sts exam");
        advance(channel, Duration.ofMillis(999));
        assertTrue(channel.isOpen(), "the deadline has not passed");
        advance(channel, Duration.ofMillis(1));
        assertFalse(channel.isOpen(), "an unfinished request is cut off at its deadline");
        assertEquals("", replies(channel));
    }

    @Test
    void anIdleConnectionBetweenRequestsIsKeptUntilTheIdleTimeout() {
        EmbeddedChannel channel = connection(TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(1))
                .withIdleTimeout(Duration.ofSeconds(300)), SOCKETMAP);
        send(channel, netstring("sts example.com"));
        assertEquals(NOTFOUND, replies(channel));
        advance(channel, Duration.ofSeconds(299));
        assertTrue(channel.isOpen(), "idle far past the request deadline, within the idle timeout: kept");
        send(channel, netstring("sts example.com"));
        assertEquals(NOTFOUND, replies(channel));
        advance(channel, Duration.ofSeconds(299));
        assertTrue(channel.isOpen(), "the idle timeout counts from the last activity");
        advance(channel, Duration.ofSeconds(1));
        assertFalse(channel.isOpen(), "closed once idle for the idle timeout");
    }

    @Test
    void aRequestStartedInTheSameReadThatFinishedTheLastGetsAFullDeadline() {
        EmbeddedChannel channel = connection(TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(1)), SOCKETMAP);
        send(channel, "15:sts exam");
        advance(channel, Duration.ofMillis(600));
        send(channel, "ple.com,15:sts exam"); // finishes the first request and starts the second
        assertEquals(NOTFOUND, replies(channel));
        advance(channel, Duration.ofMillis(999));
        assertTrue(channel.isOpen(), "a deadline counted from the first request would have expired");
        advance(channel, Duration.ofMillis(1));
        assertFalse(channel.isOpen(), "the second request's own deadline");
    }

    @Test
    void aRequestTrickledInByteByByteIsHeldToTheDeadlineOfItsFirstByte() {
        EmbeddedChannel channel = connection(TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(1)), SOCKETMAP);
        String request = "15:sts example.com";
        for (int i = 0; i < 16; i++) {
            send(channel, request.substring(i, i + 1));
            advance(channel, Duration.ofMillis(60));
        }
        assertTrue(channel.isOpen(), "960 ms after the first byte");
        send(channel, request.substring(16, 17));
        advance(channel, Duration.ofMillis(40));
        assertFalse(channel.isOpen(), "a trickle does not extend the deadline of its first byte");
    }

    /*
     * A real door's event loop keeps its own time: its timers only say when to look, and the
     * transport's clock decides. Here the loop's clock runs ahead of the transport's.
     */
    @Test
    void theRequestDeadlineGoesByTheTransportClockNotByWhenTheLoopsTimerFires() {
        assertTheTransportClockDecides(TransportSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(1)),
                Duration.ofSeconds(1), channel -> send(channel, "15:sts exam"),
                "the request began just now", "cut off once the transport's clock says the deadline has passed");
    }

    @Test
    void theIdleTimeoutGoesByTheTransportClockNotByWhenTheLoopsTimerFires() {
        assertTheTransportClockDecides(TransportSettings.DEFAULTS.withIdleTimeout(Duration.ofSeconds(300)),
                Duration.ofSeconds(300), channel -> {
                    send(channel, netstring("sts example.com"));
                    assertEquals(NOTFOUND, replies(channel));
                }, "the connection was just used", "closed once the transport's clock says it has been idle for the timeout");
    }

    /**
     * After {@code use}, the loop's timer fires at {@code timeout} while the transport's clock has not
     * moved: still open; once that clock has moved by {@code timeout} too, the next firing closes it.
     */
    private static void assertTheTransportClockDecides(TransportSettings settings, Duration timeout,
            Consumer<EmbeddedChannel> use, String whyOpen, String whyClosed) {
        MockTicker transportClock = Ticker.newMockTicker();
        EmbeddedChannel channel = connection(settings, SOCKETMAP, transportClock);
        use.accept(channel);
        advance(channel, timeout);
        assertTrue(channel.isOpen(), "the loop's timer fired, but by the transport's clock " + whyOpen);
        transportClock.advance(timeout.toNanos(), TimeUnit.NANOSECONDS);
        advance(channel, timeout);
        assertFalse(channel.isOpen(), whyClosed);
    }
}
