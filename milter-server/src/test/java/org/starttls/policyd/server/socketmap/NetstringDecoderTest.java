package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetstringDecoderTest {
    private static final int LIMIT = SocketmapProtocol.MAX_QUERY_BYTES;

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** Feeds the whole input at once, or one byte per read; returns the payloads decoded. */
    private static List<String> decode(String input, boolean byteAtATime) {
        EmbeddedChannel channel = new EmbeddedChannel(new NetstringDecoder(LIMIT));
        if (byteAtATime) {
            for (int i = 0; i < input.length(); i++) {
                channel.writeInbound(ascii(input.substring(i, i + 1)));
            }
        } else {
            channel.writeInbound(ascii(input));
        }
        List<String> payloads = new ArrayList<>();
        List<ByteBuf> buffers = new ArrayList<>();
        for (ByteBuf payload; (payload = channel.readInbound()) != null; ) {
            payloads.add(payload.toString(StandardCharsets.ISO_8859_1));
            payload.release();
            buffers.add(payload);
        }
        assertFalse(channel.finish());
        for (ByteBuf payload : buffers) {
            assertEquals(0, payload.refCnt(), "payload leaked");
        }
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
        EmbeddedChannel channel = new EmbeddedChannel(new NetstringDecoder(LIMIT));
        SocketmapCodecException e = assertThrows(SocketmapCodecException.class,
                () -> channel.writeInbound(ascii(Integer.toString(LIMIT + 1))));
        assertTrue(e.getMessage().contains("limit of 10000 bytes"), e.getMessage());
        assertFalse(channel.finish());
    }

    @Test
    void refusesAHugeLengthWhileStillReadingDigits() {
        NetstringDecoder decoder = new NetstringDecoder(LIMIT);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(ascii("10000"));
        assertEquals(NetstringDecoder.State.READ_LENGTH, decoder.state());
        assertThrows(SocketmapCodecException.class, () -> channel.writeInbound(ascii("0")));
        assertEquals(NetstringDecoder.State.FAILED, decoder.state());
        // Whatever follows is discarded, not decoded.
        ByteBuf rest = ascii("00:x,3:abc,");
        channel.writeInbound(rest);
        assertEquals(0, rest.refCnt());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @ParameterizedTest
    @ValueSource(strings = {":,", "01:a,", "00:,", "1a:a,", "-1:a,", " 1:a,", "1 :a,", "3:abc;", "3:abcd,",
        "99999999999999999999:", "\u00ff:"})
    void refusesMalformedFraming(String input) {
        for (boolean byteAtATime : new boolean[] {false, true}) {
            EmbeddedChannel channel = new EmbeddedChannel(new NetstringDecoder(LIMIT));
            assertThrows(SocketmapCodecException.class, () -> {
                if (byteAtATime) {
                    for (int i = 0; i < input.length(); i++) {
                        channel.writeInbound(ascii(input.substring(i, i + 1)));
                    }
                } else {
                    channel.writeInbound(ascii(input));
                }
            }, input);
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @Test
    void aGoodFrameBeforeABadOneIsStillDelivered() {
        EmbeddedChannel channel = new EmbeddedChannel(new NetstringDecoder(LIMIT));
        assertThrows(SocketmapCodecException.class, () -> channel.writeInbound(ascii("3:abc,01:x,")));
        ByteBuf first = channel.readInbound();
        assertEquals("abc", first.toString(StandardCharsets.US_ASCII));
        first.release();
        assertFalse(channel.finish());
    }

    @Test
    void reportsARequestInProgressFromTheFirstDigitToTheComma() {
        NetstringDecoder decoder = new NetstringDecoder(LIMIT);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        assertFalse(decoder.requestInProgress());
        channel.writeInbound(ascii("1"));
        assertTrue(decoder.requestInProgress());
        channel.writeInbound(ascii("1:hello"));
        assertTrue(decoder.requestInProgress());
        channel.writeInbound(ascii(" there"));
        assertTrue(decoder.requestInProgress(), "the comma has not arrived");
        channel.writeInbound(ascii(","));
        assertFalse(decoder.requestInProgress());
        assertEquals(1, decoder.requestsDecoded());
        ByteBuf payload = channel.readInbound();
        payload.release();
        assertFalse(channel.finish());
    }

    @Test
    void refusesALimitItCannotCountTo() {
        assertThrows(IllegalArgumentException.class, () -> new NetstringDecoder(NetstringDecoder.LARGEST_LIMIT_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> new NetstringDecoder(-1));
    }
}
