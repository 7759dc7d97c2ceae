package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request parsing and reply encoding, on {@link EmbeddedChannel}. */
class SocketmapCodecTest {

    private static String encode(SocketmapReply reply) {
        EmbeddedChannel channel = new EmbeddedChannel(new SocketmapReplyEncoder());
        channel.writeOutbound(reply);
        ByteBuf out = channel.readOutbound();
        String text = out.toString(StandardCharsets.US_ASCII);
        boolean released = out.release();
        // NOTFOUND is the one shared buffer no write can release; every other reply is its own
        assertEquals(reply.status() != SocketmapReply.Status.NOTFOUND, released);
        assertFalse(channel.finish());
        return text;
    }

    @Test
    void everyNotFoundIsTheSameBytesWithItsOwnIndexes() {
        EmbeddedChannel channel = new EmbeddedChannel(new SocketmapReplyEncoder());
        channel.writeOutbound(SocketmapReply.notFound(), new SocketmapReply(SocketmapReply.Status.NOTFOUND, ""));
        ByteBuf first = channel.readOutbound();
        ByteBuf second = channel.readOutbound();
        assertTrue(first.isDirect());
        first.skipBytes(first.readableBytes());
        first.release();
        assertEquals("9:NOTFOUND ,", second.toString(StandardCharsets.US_ASCII));
        second.release();
        assertEquals("9:NOTFOUND ,", encode(SocketmapReply.notFound()));
        assertFalse(channel.finish());
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
        EmbeddedChannel channel = new EmbeddedChannel(new SocketmapReplyEncoder());
        channel.writeOutbound(SocketmapReply.ok("secure match=.example.com servername=hostname"));
        ByteBuf out = channel.readOutbound();
        try {
            assertTrue(out.isDirect());
            assertEquals("48:OK secure match=.example.com servername=hostname,", out.toString(StandardCharsets.US_ASCII));
            assertEquals(out.readableBytes(), out.capacity());
        } finally {
            out.release();
            assertFalse(channel.finish());
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

    private static EmbeddedChannel requestChannel() {
        return new EmbeddedChannel(new NetstringDecoder(SocketmapProtocol.MAX_QUERY_BYTES, new SocketmapRequestDecoder()));
    }

    private static ByteBuf netstring(byte[] payload) {
        return Unpooled.buffer(payload.length + 8).writeBytes((payload.length + ":").getBytes(StandardCharsets.US_ASCII))
                .writeBytes(payload).writeByte(',');
    }

    private static SocketmapRequest decodeRequest(byte[] payload) {
        EmbeddedChannel channel = requestChannel();
        ByteBuf in = netstring(payload);
        try {
            channel.writeInbound(in);
            return channel.readInbound();
        } finally {
            assertEquals(0, in.refCnt(), "payload released");
            assertFalse(channel.finish());
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
        EmbeddedChannel channel = requestChannel();
        channel.writeInbound(netstring("starttls a.example".getBytes(StandardCharsets.US_ASCII)),
                netstring("starttls b.example".getBytes(StandardCharsets.US_ASCII)),
                netstring("starttlz c.example".getBytes(StandardCharsets.US_ASCII)));
        SocketmapRequest first = channel.readInbound();
        SocketmapRequest second = channel.readInbound();
        SocketmapRequest third = channel.readInbound();
        assertSame(first.mapName(), second.mapName());
        assertEquals(new SocketmapRequest("starttls", "b.example"), second);
        assertEquals(new SocketmapRequest("starttlz", "c.example"), third);
        assertFalse(channel.finish());
    }

    @Test
    void aRefusedRequestLeavesFramingInStep() {
        EmbeddedChannel channel = requestChannel();
        assertThrows(SocketmapCodecException.class,
                () -> channel.writeInbound(netstring("stsexample.com".getBytes(StandardCharsets.US_ASCII))));
        channel.writeInbound(netstring("sts example.com".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(new SocketmapRequest("sts", "example.com"), channel.readInbound());
        assertEquals(2, ((NetstringDecoder) channel.pipeline().first()).requestsDecoded());
        assertFalse(channel.finish());
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
        assertThrows(DecoderException.class, () -> decodeRequest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        assertThrows(SocketmapCodecException.class, () -> decodeRequest(new byte[] {'s', ' ', (byte) 0xff, (byte) 0xfe}));
    }
}
