package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request framing and parsing as the door does it, and reply encoding. */
class SocketmapCodecTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private static String encode(SocketmapReply reply) {
        ByteBuf out = SocketmapReplyEncoder.encode(ALLOC, reply);
        String text = out.toString(StandardCharsets.US_ASCII);
        assertTrue(out.release(), "each reply is a buffer of its own, released by its write");
        return text;
    }

    @Test
    void everyNotFoundIsTheSameBytesInABufferOfItsOwn() {
        ByteBuf first = SocketmapReplyEncoder.encode(ALLOC, SocketmapReply.notFound());
        ByteBuf second = SocketmapReplyEncoder.encode(ALLOC, new SocketmapReply(SocketmapReply.Status.NOTFOUND, ""));
        assertTrue(first.isDirect());
        first.skipBytes(first.readableBytes());
        first.release();
        assertEquals("9:NOTFOUND ,", second.toString(StandardCharsets.US_ASCII));
        assertEquals(12, second.capacity());
        second.release();
        assertEquals("9:NOTFOUND ,", encode(SocketmapReply.notFound()));
    }

    @Test
    void encodesEachReplyFormAsOneNetstring() {
        assertEquals("9:NOTFOUND ,", encode(SocketmapReply.notFound()));
        assertEquals("13:OK secure x=y,", encode(SocketmapReply.ok("secure x=y")));
        assertEquals("10:TEMP busy!,", encode(SocketmapReply.temp("busy!")));
        assertEquals("12:TIMEOUT slow,", encode(SocketmapReply.timeout("slow")));
        assertEquals("8:PERM bad,", encode(SocketmapReply.perm("bad")));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6, 7, 96, 97, 996, 997, SocketmapReply.MAX_REPLY_BYTES - 3})
    void lengthPrefixIsRightAtEveryDigitCount(int dataLength) {
        // "OK " plus the data: payloads of 4, 9, 10, 99, 100, 999, 1000 and the largest reply bytes
        String data = "d".repeat(dataLength);
        String payload = "OK " + data;
        assertEquals(payload.length() + ":" + payload + ",", encode(SocketmapReply.ok(data)));
    }

    @Test
    void encodesIntoADirectBufferOfExactlyTheReplysSize() {
        ByteBuf out = SocketmapReplyEncoder.encode(ALLOC, SocketmapReply.ok("secure match=.example.com servername=hostname"));
        try {
            assertTrue(out.isDirect());
            assertEquals("48:OK secure match=.example.com servername=hostname,", out.toString(StandardCharsets.US_ASCII));
            assertEquals(out.readableBytes(), out.capacity());
        } finally {
            out.release();
        }
    }

    @Test
    void replyLimitIsPinnedAtTheLimitAndOneMore() {
        String fits = "x".repeat(SocketmapReply.MAX_REPLY_BYTES - "OK ".length());
        assertTrue(SocketmapReply.fitsOk(fits));
        assertEquals(SocketmapReply.MAX_REPLY_BYTES, SocketmapReply.ok(fits).wireBytes().length);
        assertFalse(SocketmapReply.fitsOk(fits + "x"));
        assertThrows(IllegalArgumentException.class, () -> SocketmapReply.ok(fits + "x"));
    }

    @Test
    void reasonsAreMadePrintableAndShort() {
        // One cleaner for every door (PrintableText): a control character becomes a space.
        assertEquals("TEMP a b", SocketmapReply.temp("a\nb").wireText());
        assertEquals("TEMP b?cher", SocketmapReply.temp("bücher").wireText());
        assertEquals("TEMP unspecified", SocketmapReply.temp("\u0001").wireText());
        assertEquals(SocketmapReply.MAX_REASON_CHARS, SocketmapReply.temp("y".repeat(5000)).data().length());
        assertThrows(IllegalArgumentException.class, () -> SocketmapReply.ok("a\r\nb"));
        assertThrows(IllegalArgumentException.class, () -> new SocketmapReply(SocketmapReply.Status.NOTFOUND, "x"));
    }

    /** Frames and parses as the door does, one request per netstring. */
    private static final class RequestReader {
        private final NetstringFramer framer = new NetstringFramer(SocketmapProtocol.MAX_QUERY_BYTES);
        private final SocketmapRequestDecoder decoder = new SocketmapRequestDecoder();

        SocketmapRequest read(ByteBuf in) {
            String key = readKey(in);
            return new SocketmapRequest(decoder.mapName(), key);
        }

        /** The key alone, as the door reads it: no request object whose constructor checks it again. */
        String readKey(ByteBuf in) {
            int length = framer.next(in);
            boolean bytesAtHand = decoder.read(in, in.readerIndex() - length - 1, length);
            String key = decoder.key();
            if (bytesAtHand) {
                // The door may answer from the bytes alone: they must say what the string says.
                assertEquals(key, new String(decoder.keyBytes(), decoder.keyOffset(), decoder.keyLength(),
                        StandardCharsets.ISO_8859_1));
            }
            return key;
        }
    }

    private static ByteBuf netstring(byte[] payload) {
        return Unpooled.buffer(payload.length + 8).writeBytes((payload.length + ":").getBytes(StandardCharsets.US_ASCII))
                .writeBytes(payload).writeByte(',');
    }

    private static SocketmapRequest decodeRequest(byte[] payload) {
        ByteBuf in = netstring(payload);
        try {
            return new RequestReader().read(in);
        } finally {
            in.release();
        }
    }

    /** The payload as the netstring decoder hands it on: a slice of a direct read buffer, not at index 0. */
    private static SocketmapRequest decodeDirectSlice(byte[] payload) {
        ByteBuf read = Unpooled.directBuffer(payload.length + 8).writeBytes("3:ab,".getBytes(StandardCharsets.US_ASCII))
                .writeBytes(payload).writeByte(',');
        try {
            return SocketmapRequest.parse(read.slice(5, payload.length));
        } finally {
            read.release();
        }
    }

    @Test
    void parsesFromADirectBufferSliceAsFromAnArray() {
        assertEquals(new SocketmapRequest("starttls", "example.com:25"),
                decodeDirectSlice("starttls example.com:25".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new SocketmapRequest("sts", "a b"), decodeDirectSlice("sts a b".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new SocketmapRequest("sts", "bücher.example"),
                decodeDirectSlice("sts bücher.example".getBytes(StandardCharsets.UTF_8)));
        SocketmapCodecException noSpace = assertThrows(SocketmapCodecException.class,
                () -> decodeDirectSlice("stsexample.com".getBytes(StandardCharsets.UTF_8)));
        assertEquals("socketmap request has no space between map name and key", noSpace.getMessage());
        assertThrows(SocketmapCodecException.class, () -> decodeDirectSlice(new byte[] {'s', ' ', (byte) 0xc3}));
    }

    @Test
    void aConnectionReusesItsMapNameWhileTheBytesMatch() {
        RequestReader reader = new RequestReader();
        ByteBuf in = Unpooled.wrappedBuffer(netstring("starttls a.example".getBytes(StandardCharsets.US_ASCII)),
                netstring("starttls b.example".getBytes(StandardCharsets.US_ASCII)),
                netstring("starttlz c.example".getBytes(StandardCharsets.US_ASCII)));
        SocketmapRequest first = reader.read(in);
        SocketmapRequest second = reader.read(in);
        SocketmapRequest third = reader.read(in);
        assertSame(first.mapName(), second.mapName());
        assertEquals(new SocketmapRequest("starttls", "b.example"), second);
        assertEquals(new SocketmapRequest("starttlz", "c.example"), third);
        in.release();
    }

    @Test
    void aRefusedRequestHasBeenConsumedWhole() {
        RequestReader reader = new RequestReader();
        ByteBuf in = Unpooled.wrappedBuffer(netstring("stsexample.com".getBytes(StandardCharsets.US_ASCII)),
                netstring("sts example.com".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(SocketmapCodecException.class, () -> reader.read(in));
        assertEquals(new SocketmapRequest("sts", "example.com"), reader.read(in));
        assertFalse(in.isReadable());
        in.release();
    }

    @Test
    void parsesNameAndKey() {
        assertEquals(new SocketmapRequest("sts", "example.com"), decodeRequest("sts example.com".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new SocketmapRequest("tls", "[192.0.2.1]:25"), decodeRequest("tls [192.0.2.1]:25".getBytes(StandardCharsets.UTF_8)));
        assertEquals("bücher.example", decodeRequest("sts bücher.example".getBytes(StandardCharsets.UTF_8)).key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sts", "sts ", " example.com", "st\u0001s example.com", "sts exa\u0000mple.com", "sts a\tb", "sts a\u007fb", "s\u00e9 a\u0001b"})
    void refusesMalformedRequests(String text) {
        ByteBuf in = netstring(text.getBytes(StandardCharsets.UTF_8));
        try {
            assertThrows(SocketmapCodecException.class, () -> new RequestReader().readKey(in));
        } finally {
            in.release();
        }
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        assertThrows(SocketmapCodecException.class, () -> decodeRequest(new byte[] {'s', ' ', (byte) 0xff, (byte) 0xfe}));
    }
}
