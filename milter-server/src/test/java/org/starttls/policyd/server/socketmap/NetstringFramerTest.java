package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The framing rules, fed as a connection receives bytes: all at once or one byte per read. */
class NetstringFramerTest {
    private static final int LIMIT = SocketmapProtocol.MAX_QUERY_BYTES;

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** Appends {@code bytes} to what the connection holds and frames all it can; returns the payloads. */
    private static List<String> feed(NetstringFramer framer, ByteBuf held, String bytes) {
        held.writeBytes(bytes.getBytes(StandardCharsets.ISO_8859_1));
        List<String> payloads = new ArrayList<>();
        for (int length; (length = framer.next(held)) >= 0; ) {
            payloads.add(held.toString(held.readerIndex() - length - 1, length, StandardCharsets.ISO_8859_1));
        }
        return payloads;
    }

    /** Feeds the whole input at once, or one byte per read; returns the payloads framed. */
    private static List<String> decode(String input, boolean byteAtATime) {
        NetstringFramer framer = new NetstringFramer(LIMIT);
        ByteBuf held = Unpooled.buffer();
        List<String> payloads = new ArrayList<>();
        if (byteAtATime) {
            for (int i = 0; i < input.length(); i++) {
                payloads.addAll(feed(framer, held, input.substring(i, i + 1)));
            }
        } else {
            payloads.addAll(feed(framer, held, input));
        }
        assertFalse(held.isReadable(), "nothing left over");
        assertFalse(framer.inProgress());
        return payloads;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodesConsecutiveNetstrings(boolean byteAtATime) {
        assertEquals(List.of("hello there", "sts example.com", ""),
                decode("11:hello there,15:sts example.com,0:,", byteAtATime));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void acceptsAPayloadOfExactlyTheLimit(boolean byteAtATime) {
        String payload = "x".repeat(LIMIT);
        assertEquals(List.of(payload), decode(LIMIT + ":" + payload + ",", byteAtATime));
    }

    @Test
    void refusesALengthOfTheLimitPlusOneBeforeItsPayloadArrives() {
        NetstringFramer framer = new NetstringFramer(LIMIT);
        SocketmapCodecException e = assertThrows(SocketmapCodecException.class,
                () -> feed(framer, Unpooled.buffer(), Integer.toString(LIMIT + 1)));
        assertTrue(e.getMessage().contains("limit of 10000 bytes"), e.getMessage());
    }

    @Test
    void refusesAHugeLengthWhileStillReadingDigits() {
        NetstringFramer framer = new NetstringFramer(LIMIT);
        ByteBuf held = Unpooled.buffer();
        assertEquals(List.of(), feed(framer, held, "10000"));
        assertEquals(NetstringFramer.State.READ_LENGTH, framer.state());
        assertThrows(SocketmapCodecException.class, () -> feed(framer, held, "0"));
        assertEquals(NetstringFramer.State.FAILED, framer.state());
        // Nothing is framed after a failure.
        assertThrows(IllegalStateException.class, () -> feed(framer, held, "00:x,3:abc,"));
    }

    @ParameterizedTest
    @ValueSource(strings = {":,", "01:a,", "00:,", "1a:a,", "-1:a,", " 1:a,", "1 :a,", "3:abc;", "3:abcd,",
        "99999999999999999999:", "\u00ff:"})
    void refusesMalformedFraming(String input) {
        for (boolean byteAtATime : new boolean[] {false, true}) {
            assertThrows(SocketmapCodecException.class, () -> decode(input, byteAtATime), input);
        }
    }

    @Test
    void aGoodFrameBeforeABadOneIsStillFramed() {
        NetstringFramer framer = new NetstringFramer(LIMIT);
        ByteBuf held = Unpooled.copiedBuffer("3:abc,01:x,", StandardCharsets.US_ASCII);
        assertEquals(3, framer.next(held));
        assertEquals("abc", held.toString(held.readerIndex() - 4, 3, StandardCharsets.US_ASCII));
        assertThrows(SocketmapCodecException.class, () -> framer.next(held));
        assertEquals(1, framer.framed());
    }

    @Test
    void neverReadsPastTheComma() {
        NetstringFramer framer = new NetstringFramer(LIMIT);
        ByteBuf held = Unpooled.copiedBuffer("3:abc,garbage", StandardCharsets.US_ASCII);
        assertEquals(3, framer.next(held));
        assertEquals("garbage", held.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void reportsARequestInProgressFromTheFirstDigitToTheComma() {
        NetstringFramer framer = new NetstringFramer(LIMIT);
        ByteBuf held = Unpooled.buffer();
        assertFalse(framer.inProgress());
        feed(framer, held, "1");
        assertTrue(framer.inProgress());
        feed(framer, held, "1:hello");
        assertTrue(framer.inProgress());
        feed(framer, held, " there");
        assertTrue(framer.inProgress(), "the comma has not arrived");
        assertEquals(List.of("hello there"), feed(framer, held, ","));
        assertFalse(framer.inProgress());
        assertEquals(1, framer.framed());
    }

    @Test
    void refusesALimitItCannotCountTo() {
        assertThrows(IllegalArgumentException.class, () -> new NetstringFramer(NetstringFramer.LARGEST_LIMIT_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> new NetstringFramer(-1));
    }
}
