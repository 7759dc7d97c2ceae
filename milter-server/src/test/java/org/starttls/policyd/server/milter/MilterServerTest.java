package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.starttls.policyd.server.milter.MilterBytes.cstrings;
import static org.starttls.policyd.server.milter.MilterBytes.frame;
import static org.starttls.policyd.server.milter.MilterBytes.macro;
import static org.starttls.policyd.server.milter.MilterBytes.rcpt;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server over real sockets, driven by a client that speaks raw milter bytes. */
class MilterServerTest {
    private MilterServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesAWholeDialogueLikePostfix() throws Exception {
        InetSocketAddress address = start(MilterSettings.defaults());
        try (RawClient mta = new RawClient(address)) {
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
    void garbageClosesOnlyThatConnection() throws Exception {
        InetSocketAddress address = start(MilterSettings.defaults());
        try (RawClient good = new RawClient(address); RawClient bad = new RawClient(address)) {
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
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        InetSocketAddress address = start(new MilterSettings(true, Duration.ofMinutes(1), 1));
        try (RawClient first = new RawClient(address); RawClient second = new RawClient(address)) {
            first.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, first.reply());
            second.assertClosed();
            first.send(rcpt("<d@unlisted.example>"));
            assertEquals("c:", first.reply());
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        InetSocketAddress address = start(new MilterSettings(true, Duration.ofMillis(200), 10));
        try (RawClient idle = new RawClient(address)) {
            idle.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            idle.reply();
            idle.assertClosed();
        }
    }

    private InetSocketAddress start(MilterSettings settings) throws InterruptedException {
        server = new MilterServer(new TestDecider(), settings, null, 1);
        return server.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    /** An MTA stand-in: writes raw frames, reads length-prefixed replies. */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        RawClient(InetSocketAddress address) throws IOException {
            socket = new Socket(address.getAddress(), address.getPort());
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
        }

        void send(byte[]... frames) throws IOException {
            out.write(MilterBytes.concat(frames));
            out.flush();
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

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
