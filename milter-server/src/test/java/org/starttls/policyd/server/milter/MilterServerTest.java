package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.milter.MilterBytes.cstrings;
import static org.starttls.policyd.server.milter.MilterBytes.frame;
import static org.starttls.policyd.server.milter.MilterBytes.macro;
import static org.starttls.policyd.server.milter.MilterBytes.rcpt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/** The milter door on the shared transport over real sockets, driven by a client that speaks raw milter bytes. */
class MilterServerTest {
    private static final MilterSettings TAGGING = MilterSettings.DEFAULTS.withHeaderTagging(true);

    private static EventLoops loops;
    private RunningServer server;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(2, true);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesAWholeDialogueLikePostfix() throws Exception {
        int port = start(MilterServer.TRANSPORT_DEFAULTS, TAGGING);
        try (RawClient mta = new RawClient(port)) {
            mta.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, mta.reply());
            mta.send(macro('M', "i", "4AbC"), frame('M', cstrings("<s@origin.example>", "BODY=8BITMIME")));
            mta.send(macro('R', "{rcpt_addr}", "a@example.com"), rcpt("<a@example.com>"));
            assertEquals("c:", mta.reply());
            mta.send(rcpt("<b@downgraded.example>"));
            assertEquals("y:451 4.7.5 downgraded.example: STARTTLS was stripped on the path to its MX|", mta.reply());
            mta.send(rcpt("<c@broken.example>"));
            assertEquals("y:451 4.3.0 broken.example: no verified list is loaded yet|", mta.reply());
            mta.send(frame('E'));
            assertEquals("h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com)|", mta.reply());
            assertEquals("c:", mta.reply());
            mta.send(frame('Q'));
            mta.assertClosed();
        }
    }

    @Test
    void theSameDialogueFedOneByteAtATimeWithDecisionsOnAnExecutor() throws Exception {
        ExecutorService decisions = Executors.newSingleThreadExecutor();
        try {
            server = MilterServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"),
                    MilterServer.TRANSPORT_DEFAULTS.withReadBufferBytes(1), TAGGING, new TestDecider(), decisions);
            try (RawClient mta = new RawClient(server.port())) {
                mta.sendByteAtATime(MilterSessionHandlerTest.POSTFIX_OFFER);
                assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, mta.reply());
                mta.sendByteAtATime(MilterSessionHandlerTest.MAIL, rcpt("<a@example.com>"),
                        rcpt("<b@downgraded.example>"), frame('E'));
                assertEquals("c:", mta.reply());
                assertEquals("y:451 4.7.5 downgraded.example: STARTTLS was stripped on the path to its MX|", mta.reply());
                assertEquals("h:X-STARTTLS-Policy|example.com=enforce(match=.mx.example.com)|", mta.reply());
                assertEquals("c:", mta.reply());
            }
        } finally {
            decisions.shutdownNow();
        }
    }

    @Test
    void aConfiguredHeaderNameIsUsed() throws Exception {
        int port = start(MilterServer.TRANSPORT_DEFAULTS, TAGGING.withHeaderName("X-TLS-Required"));
        try (RawClient mta = new RawClient(port)) {
            mta.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            mta.reply();
            mta.send(MilterSessionHandlerTest.MAIL, rcpt("<a@example.com>"), frame('E'));
            assertEquals("c:", mta.reply());
            assertEquals("h:X-TLS-Required|example.com=enforce(match=.mx.example.com)|", mta.reply());
            assertEquals("c:", mta.reply());
        }
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        int port = start(MilterServer.TRANSPORT_DEFAULTS, TAGGING);
        try (RawClient good = new RawClient(port); RawClient bad = new RawClient(port)) {
            good.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, good.reply());
            bad.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            bad.reply();
            bad.send(MilterBytes.ints(0x7fffffff), "GET / HTTP/1.0\r\n".getBytes());
            bad.assertClosed();
            good.send(rcpt("<a@example.com>"));
            assertEquals("c:", good.reply());
        }
    }

    @Test
    void atTheLimitASessionBetweenFramesMakesRoomAndOneMidFrameDoesNot() throws Exception {
        int port = start(MilterServer.TRANSPORT_DEFAULTS.withMaxConnections(1), TAGGING);
        try (RawClient first = new RawClient(port)) {
            first.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, first.reply());
            try (RawClient second = new RawClient(port)) {
                second.send(MilterSessionHandlerTest.POSTFIX_OFFER);
                assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, second.reply());
                first.assertClosed();
                // The second is in the middle of a frame: a RCPT (answered) and half the next in one write.
                byte[] rcpt = rcpt("<d@unlisted.example>");
                second.send(MilterSessionHandlerTest.MAIL, rcpt, Arrays.copyOf(rcpt, 6));
                assertEquals("c:", second.reply());
                try (RawClient third = new RawClient(port)) {
                    third.assertClosed();
                }
                second.send(Arrays.copyOfRange(rcpt, 6, rcpt.length));
                assertEquals("c:", second.reply());
                assertEquals(1, server.openConnections());
            }
        }
    }

    @Test
    void connectionsIdleForTheTransportIdleTimeoutAreClosed() throws Exception {
        int port = start(MilterServer.TRANSPORT_DEFAULTS.withIdleTimeout(Duration.ofMillis(200)), TAGGING);
        try (RawClient idle = new RawClient(port)) {
            idle.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            idle.reply();
            idle.assertClosed();
        }
    }

    @Test
    void aStartedFrameHasADeadlineButASilentSessionBetweenFramesIsKeptUntilTheMilterIdleTimeout() {
        TransportSettings transport = MilterServer.TRANSPORT_DEFAULTS.withRequestTimeout(Duration.ofSeconds(10));
        EmbeddedChannel silent = connection(transport);
        send(silent, MilterSessionHandlerTest.POSTFIX_OFFER);
        assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, reply(silent));
        advance(silent, MilterServer.DEFAULT_IDLE_TIMEOUT.minusSeconds(1));
        assertTrue(silent.isOpen(), "a session between frames is kept far past the request deadline");
        send(silent, MilterSessionHandlerTest.MAIL, rcpt("<a@example.com>"));
        assertEquals("c:", reply(silent));
        advance(silent, MilterServer.DEFAULT_IDLE_TIMEOUT);
        assertFalse(silent.isOpen(), "closed once silent for the milter idle timeout");

        EmbeddedChannel slow = connection(transport);
        send(slow, MilterSessionHandlerTest.POSTFIX_OFFER);
        reply(slow);
        send(slow, Arrays.copyOf(rcpt("<a@example.com>"), 6)); // the length and the command byte, then nothing
        advance(slow, Duration.ofMillis(9_999));
        assertTrue(slow.isOpen());
        advance(slow, Duration.ofMillis(1));
        assertFalse(slow.isOpen(), "a started frame is cut off at the request deadline");
    }

    /** A milter connection as the door builds it, on an embedded channel whose clock moves only when told. */
    private static EmbeddedChannel connection(TransportSettings transport) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new TransportPipeline(MilterServer.NAME, transport,
                new MilterProtocol(new TestDecider(), TAGGING, null), channel.eventLoop().ticker()));
        channel.pipeline().fireChannelActive();
        return channel;
    }

    private static void send(EmbeddedChannel channel, byte[]... frames) {
        channel.writeInbound(Unpooled.wrappedBuffer(MilterBytes.concat(frames)));
    }

    private static String reply(EmbeddedChannel channel) {
        ByteBuf frame = channel.readOutbound();
        return MilterBytes.describe(MilterBytes.drain(frame));
    }

    private static void advance(EmbeddedChannel channel, Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
    }

    private int start(TransportSettings transport, MilterSettings settings) throws IOException {
        server = MilterServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"), transport,
                settings, new TestDecider());
        return server.port();
    }

    /** An MTA stand-in: writes raw frames, reads length-prefixed replies. */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        RawClient(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(60_000); // a hang guard: replies may be slow on a loaded machine
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
        }

        void send(byte[]... frames) throws IOException {
            out.write(MilterBytes.concat(frames));
            out.flush();
        }

        /** Each byte in its own write, so the server sees every frame split at every offset. */
        void sendByteAtATime(byte[]... frames) throws IOException {
            for (byte b : MilterBytes.concat(frames)) {
                out.write(b);
                out.flush();
            }
        }

        String reply() throws IOException {
            int length = in.readInt();
            if (length < 1 || length > 1_000_000) {
                throw new IOException("bad reply length " + length);
            }
            byte[] frame = new byte[4 + length];
            java.nio.ByteBuffer.wrap(frame).putInt(length);
            in.readFully(frame, 4, length);
            return MilterBytes.describe(frame);
        }

        /** The server closed: the next read sees the end of the stream (or a reset). */
        void assertClosed() throws IOException {
            try {
                assertEquals(-1, in.read());
            } catch (java.net.SocketException reset) {
                // A close with unread input may arrive as a reset; either way the server hung up.
            } catch (EOFException e) {
                // same
            }
        }

        /** Whether the server closed within {@code wait}; false if the connection stayed open. */
        boolean closedWithin(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (java.net.SocketException reset) {
                return true;
            } finally {
                socket.setSoTimeout(60_000);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
