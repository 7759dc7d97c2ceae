package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.testing.LineClient;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * Answers that complete later ({@link SocketmapAnswer#later}): replies still leave in request
 * order, the queue is capped, the request deadline and failures become {@code TEMP}, a closed
 * connection lets go of everything, and a connection waiting for an answer is not idle. Driven on
 * the pipeline a door's connection gets, with answers the test completes.
 */
class SocketmapAsyncAnswersTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final TransportSettings SETTINGS = TransportSettings.DEFAULTS.withRequestTimeout(DEADLINE);

    /**
     * Keys {@code now-*} are answered at once with {@code OK now-*}; every other key gets a future
     * the test completes (kept by key, in request order).
     */
    static final class ControlledAnswers implements SocketmapAnswerSource {
        final Map<String, CompletableFuture<SocketmapReply>> pending = new ConcurrentHashMap<>();
        final List<String> doorReplies = new CopyOnWriteArrayList<>();

        @Override
        public SocketmapAnswer answer(String mapName, String key) {
            if (key.startsWith("now-")) {
                return SocketmapReply.ok(key);
            }
            CompletableFuture<SocketmapReply> future = new CompletableFuture<>();
            pending.put(key, future);
            return SocketmapAnswer.later(future);
        }

        @Override
        public void answeredByDoor(SocketmapReply reply) {
            doorReplies.add(reply.wireText());
        }

        void complete(String key) {
            pending.get(key).complete(SocketmapReply.ok(key));
        }
    }

    private final MockTicker clock = Ticker.newMockTicker();
    private final ControlledAnswers answers = new ControlledAnswers();
    private final TransportPipeline door = new TransportPipeline("test", SETTINGS, new SocketmapProtocol(() -> answers), clock);

    private EmbeddedChannel connect() {
        return connect(door);
    }

    private EmbeddedChannel connect(TransportPipeline pipeline) {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(clock).build();
        channel.pipeline().addLast(pipeline);
        channel.pipeline().fireChannelActive();
        return channel;
    }

    private static void send(EmbeddedChannel channel, String... keys) {
        StringBuilder text = new StringBuilder();
        for (String key : keys) {
            text.append(netstring("sts " + key));
        }
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private static String replies(EmbeddedChannel channel) {
        channel.runPendingTasks();
        StringBuilder text = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            text.append(buffer.toString(StandardCharsets.US_ASCII));
            buffer.release();
        }
        return text.toString();
    }

    private static String ok(String... keys) {
        StringBuilder text = new StringBuilder();
        for (String key : keys) {
            text.append(netstring("OK " + key));
        }
        return text.toString();
    }

    private void advance(EmbeddedChannel channel, Duration by) {
        clock.advance(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
    }

    @Test
    void repliesLeaveInRequestOrderWhateverOrderAnswersCompleteIn() {
        EmbeddedChannel channel = connect();
        send(channel, "a", "now-1", "b", "c", "now-2");
        assertEquals("", replies(channel), "the first answer is pending: nothing may overtake it");
        answers.complete("c");
        answers.complete("b");
        assertEquals("", replies(channel));
        answers.complete("a");
        assertEquals(ok("a", "now-1", "b", "c", "now-2"), replies(channel));
        send(channel, "now-3");
        assertEquals(ok("now-3"), replies(channel), "with nothing waiting, an immediate answer goes at once");
        assertFalse(channel.finish());
    }

    @Test
    void anAnswerCompletedBeforeTheRequestIsHandledIsWrittenAtOnce() {
        SocketmapAnswerSource alreadyDone = new SocketmapAnswerSource() {
            @Override
            public SocketmapAnswer answer(String mapName, String key) {
                return SocketmapAnswer.later(CompletableFuture.completedFuture(SocketmapReply.ok(key)));
            }

            @Override
            public void answeredByDoor(SocketmapReply reply) {
            }
        };
        EmbeddedChannel channel = connect(new TransportPipeline("test", SETTINGS, new SocketmapProtocol(() -> alreadyDone), clock));
        send(channel, "x", "y");
        assertEquals(ok("x", "y"), replies(channel));
        assertFalse(channel.finish());
    }

    @Test
    void theDoorAsksForAnAnswerFromTheKeysBytesFirstAndForTheStringWhenThatDeclines() {
        SocketmapAnswerSource bytesWhenLowerCase = new SocketmapAnswerSource() {
            @Override
            public SocketmapAnswer answerAscii(String mapName, byte[] key, int offset, int length) {
                String text = new String(key, offset, length, StandardCharsets.ISO_8859_1);
                return text.equals(text.toLowerCase(java.util.Locale.ROOT)) ? SocketmapReply.ok("bytes " + text) : null;
            }

            @Override
            public SocketmapAnswer answer(String mapName, String key) {
                return SocketmapReply.ok("string " + key);
            }

            @Override
            public void answeredByDoor(SocketmapReply reply) {
            }
        };
        EmbeddedChannel channel = connect(new TransportPipeline("test", SETTINGS,
                new SocketmapProtocol(() -> bytesWhenLowerCase), clock));
        send(channel, "a.example", "B.example", "c.example");
        assertEquals(netstring("OK bytes a.example") + netstring("OK string B.example") + netstring("OK bytes c.example"),
                replies(channel));
        assertFalse(channel.finish());
    }

    @Test
    void aPendingAnswerThatFailsIsCancelledOrIsNullBecomesTemp() {
        EmbeddedChannel channel = connect();
        send(channel, "fails", "cancelled", "null", "now-1");
        answers.pending.get("null").complete(null);
        answers.pending.get("cancelled").cancel(false);
        answers.pending.get("fails").completeExceptionally(new IllegalStateException("resolver broke"));
        String temp = netstring("TEMP internal error");
        assertEquals(temp + temp + temp + ok("now-1"), replies(channel));
        assertEquals(List.of("TEMP internal error", "TEMP internal error", "TEMP internal error"), answers.doorReplies);
        assertTrue(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aPendingAnswerStillOpenAtTheRequestDeadlineBecomesTempAndIsCancelled() {
        EmbeddedChannel channel = connect();
        send(channel, "slow", "now-1");
        advance(channel, DEADLINE.minusNanos(1));
        assertEquals("", replies(channel));
        advance(channel, Duration.ofNanos(1));
        assertEquals(netstring("TEMP no answer in time") + ok("now-1"), replies(channel));
        assertTrue(answers.pending.get("slow").isCancelled(), "the work is told it is no longer wanted");
        answers.pending.get("slow").complete(SocketmapReply.ok("late"));
        assertEquals("", replies(channel), "a late answer is dropped");
        assertTrue(channel.isOpen(), "the connection goes on");
        send(channel, "now-2");
        assertEquals(ok("now-2"), replies(channel));
        assertFalse(channel.finish());
    }

    @Test
    void eachPendingAnswerHasItsOwnDeadlineFromItsRequest() {
        EmbeddedChannel channel = connect();
        send(channel, "first");
        advance(channel, Duration.ofSeconds(1));
        send(channel, "second");
        answers.complete("first");
        assertEquals(ok("first"), replies(channel));
        advance(channel, Duration.ofMillis(1999));
        assertEquals("", replies(channel), "the second request came a second later: its deadline has not passed");
        advance(channel, Duration.ofMillis(1));
        assertEquals(netstring("TEMP no answer in time"), replies(channel));
        assertFalse(channel.finish());
    }

    @Test
    void atTheCapOfWaitingRepliesTheConnectionStopsReadingUntilTheQueueDrains() {
        EmbeddedChannel channel = connect();
        for (int i = 0; i < SocketmapHandler.MAX_WAITING_REPLIES - 1; i++) {
            send(channel, "k" + i);
        }
        assertTrue(channel.config().isAutoRead(), "below the cap");
        send(channel, "k" + (SocketmapHandler.MAX_WAITING_REPLIES - 1));
        assertFalse(channel.config().isAutoRead(), "at the cap: no more reads");
        answers.complete("k1");
        assertEquals("", replies(channel));
        assertFalse(channel.config().isAutoRead(), "still at the cap: the head has not left");
        answers.complete("k0");
        assertEquals(ok("k0", "k1"), replies(channel));
        assertTrue(channel.config().isAutoRead(), "below the cap again: reading resumes");
        for (int i = 2; i < SocketmapHandler.MAX_WAITING_REPLIES; i++) {
            answers.complete("k" + i);
        }
        assertEquals(SocketmapHandler.MAX_WAITING_REPLIES - 2, replies(channel).split(",", -1).length - 1);
        assertFalse(channel.finish());
    }

    @Test
    void aConnectionClosedWhileWaitingCancelsItsWorkAndIgnoresLateAnswers() {
        EmbeddedChannel channel = connect();
        send(channel, "a", "b", "now-1");
        channel.close();
        assertTrue(answers.pending.get("a").isCancelled());
        assertTrue(answers.pending.get("b").isCancelled());
        advance(channel, DEADLINE.multipliedBy(2));
        assertEquals("", replies(channel));
        assertEquals(List.of(), answers.doorReplies, "no deadline fired for a closed connection");
        assertFalse(channel.finish());
    }

    @Test
    void aMalformedRequestIsRefusedAfterTheRepliesOwedBeforeIt() {
        EmbeddedChannel channel = connect();
        send(channel, "a");
        channel.writeInbound(Unpooled.copiedBuffer(netstring("sts now-1") + "x:", StandardCharsets.US_ASCII));
        assertTrue(channel.isOpen(), "the refusal waits behind the pending answer");
        assertEquals("", replies(channel));
        answers.complete("a");
        assertEquals(ok("a", "now-1") + netstring("PERM malformed request: netstring length contains a non-digit (byte 0x78)"),
                replies(channel));
        assertFalse(channel.isOpen(), "closed after the refusal");
        assertFalse(channel.finish());
    }

    @Test
    void aConnectionWaitingForAnAnswerIsNotIdleAtTheLimit() {
        TransportPipeline oneSlot = new TransportPipeline("test", SETTINGS.withMaxConnections(1),
                new SocketmapProtocol(() -> answers), clock);
        EmbeddedChannel waiting = connect(oneSlot);
        send(waiting, "a");
        EmbeddedChannel refused = connect(oneSlot);
        waiting.runPendingTasks();
        refused.runPendingTasks();
        assertFalse(refused.isOpen(), "the only connection waits for its answer: a newcomer is refused");
        assertTrue(waiting.isOpen());

        answers.complete("a");
        assertEquals(ok("a"), replies(waiting));
        EmbeddedChannel newcomer = connect(oneSlot);
        for (int round = 0; round < 2; round++) {
            waiting.runPendingTasks();
            newcomer.runPendingTasks();
        }
        assertFalse(waiting.isOpen(), "answered, so idle: closed for the newcomer");
        assertTrue(newcomer.isOpen());
    }

    /** Over a real socket, answers completed out of order from other threads. */
    @Test
    void overASocketAnswersCompletedFromOtherThreadsLeaveInRequestOrder() throws IOException, InterruptedException {
        try (EventLoops loops = EventLoops.create(2, true);
                RunningServer server = SocketmapServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"),
                        SETTINGS.withRequestTimeout(Duration.ofSeconds(30)), () -> answers);
                LineClient client = new LineClient(server.port())) {
            List<String> keys = new ArrayList<>();
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                String key = i % 4 == 3 ? "now-" + i : "k" + i;
                keys.add(key);
                requests.append(netstring("sts " + key));
            }
            client.send(requests.toString());
            List<String> later = new ArrayList<>();
            for (String key : keys) {
                if (!key.startsWith("now-")) {
                    later.add(key);
                }
            }
            waitForPending(later.size());
            Collections.reverse(later);
            List<Thread> completers = new ArrayList<>();
            for (String key : later) {
                Thread thread = new Thread(() -> answers.complete(key));
                thread.start();
                thread.join(); // one after another, last request first
                completers.add(thread);
            }
            String expected = ok(keys.toArray(String[]::new));
            assertEquals(expected, client.read(expected.length()));
            client.send(netstring("sts now-last"));
            assertEquals(ok("now-last"), client.read(ok("now-last").length()));
            assertNotEquals(0, completers.size());
        }
    }

    private void waitForPending(int count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a hang guard
        while (answers.pending.size() < count && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(count, answers.pending.size(), "every request reached the answer source");
    }
}
