package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MilterReplyEncoderTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of(MilterReply.CONTINUE, "00000001 63"),
                Arguments.of(MilterReply.ACCEPT, "00000001 61"),
                Arguments.of(MilterReply.TEMPFAIL, "00000001 74"),
                Arguments.of(MilterReply.REJECT, "00000001 72"),
                // "451 4.7.5 a%%b\0"
                Arguments.of(MilterReply.replyCode("451", "4.7.5", "a%b"), "00000010 79 343531 20 342e372e35 20 61252562 00"),
                Arguments.of(MilterReply.addHeader("X-A", "b c"), "00000009 68 582d4100 62206300"),
                Arguments.of(MilterReply.optionNegotiation(6, 1, 0x73, Map.of(3, "{i}")),
                        "00000015 4f 00000006 00000001 00000073 00000003 7b697d00"));
    }

    @ParameterizedTest
    @MethodSource("replies")
    void encodes(MilterReply reply, String expectedHex) {
        EmbeddedChannel channel = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        channel.writeOutbound(reply);
        ByteBuf out = channel.readOutbound();
        assertEquals(expectedHex.replace(" ", ""), MilterBytes.hex(MilterBytes.drain(out)));
        assertEquals(0, out.refCnt());
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void replyTextCannotBreakTheReplyLine() {
        MilterReply reply = MilterReply.replyCode("451", "4.3.0", "a\r\n250 ok\0x 100% bücher");
        assertEquals("y:451 4.3.0 a  250 ok x 100%% b?cher|", MilterBytes.describe(frame(reply)));
    }

    @Test
    void replyTextIsBounded() {
        MilterReply reply = MilterReply.replyCode("451", "4.7.5", "x".repeat(5_000));
        assertEquals("451 4.7.5 ".length() + MilterReply.MAX_REPLY_TEXT_CHARS + 1, reply.data().length);
    }

    @Test
    void refusesCodesThatAreNotTemporaryOrPermanentFailures() {
        assertThrows(IllegalArgumentException.class, () -> MilterReply.replyCode("250", "2.0.0", "ok"));
        assertThrows(IllegalArgumentException.class, () -> MilterReply.replyCode("451", "5.7.5", "mixed"));
        assertThrows(IllegalArgumentException.class, () -> MilterReply.replyCode("45", "4.7.5", "short"));
    }

    @Test
    void refusesHeadersThatWouldCorruptTheMessage() {
        assertThrows(IllegalArgumentException.class, () -> MilterReply.addHeader("X A", "v"));
        assertThrows(IllegalArgumentException.class, () -> MilterReply.addHeader("X-A:", "v"));
        assertThrows(IllegalArgumentException.class, () -> MilterReply.addHeader("X-A", "v\r\nBcc: x@y"));
        assertThrows(IllegalArgumentException.class, () -> MilterReply.addHeader("X-A", "v".repeat(1_000)));
    }

    private static byte[] frame(MilterReply reply) {
        EmbeddedChannel channel = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        channel.writeOutbound(reply);
        byte[] bytes = MilterBytes.drain(channel.readOutbound());
        assertFalse(channel.finish());
        return bytes;
    }
}
