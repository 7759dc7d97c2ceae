package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.milter.MilterBytes.concat;
import static org.starttls.policyd.server.milter.MilterBytes.cstrings;
import static org.starttls.policyd.server.milter.MilterBytes.frame;
import static org.starttls.policyd.server.milter.MilterBytes.hex;
import static org.starttls.policyd.server.milter.MilterBytes.ints;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MilterFrameDecoderTest {

    static Stream<Arguments> validFrames() {
        return Stream.of(
                Arguments.of("0000000d 4f 00000006 000001ff 001fffff",
                        new OptionNegotiation(6, 0x1ff, 0x1fffff)),
                // optneg from an MTA that appends bytes we do not know: accepted like libmilter
                Arguments.of("0000000e 4f 00000002 00000001 0000007f ff",
                        new OptionNegotiation(2, 1, 0x7f)),
                Arguments.of("0000001c 52 3c6140622e6578616d706c653e00 4e4f544946593d4e4556455200",
                        new EnvelopeCommand(MilterCommand.RCPT, "<a@b.example>", List.of("NOTIFY=NEVER"))),
                Arguments.of("00000008 4d 3c7840793e00 00",
                        new EnvelopeCommand(MilterCommand.MAIL, "<x@y>", List.of(""))),
                Arguments.of(hex(frame('D', new byte[] {'R'}, cstrings("{rcpt_addr}", "a@b.example", "i", ""))),
                        new MacroDefinition((byte) 'R', Map.of("{rcpt_addr}", "a@b.example", "i", ""))),
                Arguments.of("00000002 44 52", new MacroDefinition((byte) 'R', Map.of())),
                // a macro for a stage we do not know is still kept as sent
                Arguments.of("00000005 44 5a 6100 00", new MacroDefinition((byte) 'Z', Map.of("a", ""))),
                Arguments.of("00000001 41", new StepCommand(MilterCommand.ABORT)),
                Arguments.of("00000001 51", new StepCommand(MilterCommand.QUIT)),
                Arguments.of("00000001 4b", new StepCommand(MilterCommand.QUIT_NC)),
                Arguments.of("00000001 45", new StepCommand(MilterCommand.BODYEOB)),
                Arguments.of("00000004 42 616263", new StepCommand(MilterCommand.BODY)),
                Arguments.of(hex(frame('C', cstrings("mail.example"), new byte[] {'4', 0, 25}, cstrings("192.0.2.1"))),
                        new StepCommand(MilterCommand.CONNECT)),
                Arguments.of("00000001 54", new StepCommand(MilterCommand.DATA)),
                Arguments.of("00000006 55 5846554e00", new StepCommand(MilterCommand.UNKNOWN)));
    }

    @ParameterizedTest
    @MethodSource("validFrames")
    void decodesFrame(String wire, MilterMessage expected) {
        assertEquals(List.of(expected), decodeWhole(hex(wire)));
        assertEquals(List.of(expected), decodeByteAtATime(hex(wire)));
    }

    @Test
    void decodesSeveralFramesFedOneByteAtATime() {
        byte[] wire = concat(MilterBytes.optneg(6, 0x1ff, 0x1fffff), MilterBytes.macro('R', "{rcpt_addr}", "<a@b>"),
                MilterBytes.rcpt("<a@b>"), frame('E'), frame('Q'));
        List<Object> messages = decodeByteAtATime(wire);
        assertEquals(5, messages.size());
        assertEquals(MilterCommand.OPTNEG, ((MilterMessage) messages.get(0)).command());
        assertEquals(new EnvelopeCommand(MilterCommand.RCPT, "<a@b>", List.of()), messages.get(2));
        assertEquals(new StepCommand(MilterCommand.QUIT), messages.get(4));
    }

    @Test
    void acceptsAFrameOfExactlyTheLimit() {
        byte[] body = new byte[MilterFrameDecoder.MAX_FRAME_BYTES - 1];
        assertEquals(List.of(new StepCommand(MilterCommand.BODY)), decodeWhole(frame('B', body)));
    }

    @Test
    void refusesAFrameOneByteOverTheLimitBeforeBufferingIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
        // Only the length field is sent: the refusal must not wait for the 64 KiB to arrive.
        ByteBuf length = Unpooled.wrappedBuffer(ints(MilterFrameDecoder.MAX_FRAME_BYTES + 1));
        MilterCodecException e = assertThrows(MilterCodecException.class, () -> channel.writeInbound(length));
        assertTrue(e.getMessage().contains("65537 exceeds the limit of 65536 bytes"), e.getMessage());
        assertEquals(0, length.refCnt());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void refusesAHugeMacroBlock() {
        byte[] pairs = cstrings("{huge}", "x".repeat(70_000));
        ByteBuf wire = Unpooled.wrappedBuffer(frame('D', new byte[] {'R'}, pairs));
        EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
        assertThrows(MilterCodecException.class, () -> channel.writeInbound(wire));
        assertEquals(0, wire.refCnt());
        assertFalse(channel.finish());
    }

    @Test
    void honoursASmallerConfiguredLimitAtLimitAndLimitPlusOne() {
        EmbeddedChannel ok = new EmbeddedChannel(new MilterFrameDecoder(6));
        assertTrue(ok.writeInbound(Unpooled.wrappedBuffer(frame('B', new byte[5]))));
        assertEquals(new StepCommand(MilterCommand.BODY), ok.readInbound());
        assertFalse(ok.finish());
        EmbeddedChannel over = new EmbeddedChannel(new MilterFrameDecoder(6));
        assertThrows(MilterCodecException.class, () -> over.writeInbound(Unpooled.wrappedBuffer(frame('B', new byte[6]))));
        assertFalse(over.finish());
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                Arguments.of("zero length", "00000000", "frame length 0"),
                Arguments.of("unknown command", "00000001 7a", "unknown command byte 'z'"),
                Arguments.of("non-ASCII command", "00000001 ff", "unknown command byte 0xff"),
                Arguments.of("short optneg", "0000000c 4f 00000006 000001ff 001fff", "optneg needs 12 data bytes, got 11"),
                Arguments.of("rcpt without data", "00000001 52", "RCPT carries no address"),
                Arguments.of("rcpt not NUL-terminated", "00000004 52 3c613e", "no NUL terminator"),
                Arguments.of("args not NUL-terminated", "00000006 52 3c613e00 41", "no NUL terminator"),
                Arguments.of("macro without stage", "00000001 44", "without the command"),
                Arguments.of("macro name without value", "00000004 44 52 6100", "name without a value"),
                Arguments.of("macro with empty name", "00000005 44 52 00 6100", "empty macro name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void refusesMalformedFrames(String what, String wire, String expectedMessage) {
        for (boolean byteAtATime : new boolean[] {false, true}) {
            EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
            List<ByteBuf> fed = new ArrayList<>();
            MilterCodecException e = assertThrows(MilterCodecException.class, () -> {
                for (ByteBuf piece : pieces(hex(wire), byteAtATime)) {
                    fed.add(piece);
                    channel.writeInbound(piece);
                }
            });
            assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
            fed.forEach(buf -> assertEquals(0, buf.refCnt()));
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @Test
    void discardsEverythingAfterAnError() {
        EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
        assertThrows(MilterCodecException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(hex("00000000"))));
        ByteBuf valid = Unpooled.wrappedBuffer(frame('A'));
        assertFalse(channel.writeInbound(valid));
        assertEquals(0, valid.refCnt());
        assertFalse(channel.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 8})
    void reportsAFrameTruncatedByTheClose(int bytesSent) {
        EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
        byte[] wire = MilterBytes.rcpt("<a@b.example>");
        ByteBuf part = Unpooled.wrappedBuffer(wire, 0, bytesSent);
        assertFalse(channel.writeInbound(part));
        MilterCodecException e = assertThrows(MilterCodecException.class, channel::finish);
        assertTrue(e.getMessage().startsWith("connection closed inside a frame"), e.getMessage());
        assertEquals(0, part.refCnt());
        assertNull(channel.readInbound());
    }

    @Test
    void aCleanCloseBetweenFramesIsNoError() {
        EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(frame('A'))));
        assertEquals(new StepCommand(MilterCommand.ABORT), channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void reportsAFrameInProgressFromItsFirstLengthByteToItsLastDataByte() {
        MilterFrameDecoder decoder = new MilterFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] wire = concat(MilterBytes.rcpt("<a@b.example>"), frame('A'));
        int firstFrame = wire.length - 5;
        assertFalse(decoder.requestInProgress(), "nothing received yet");
        for (int i = 0; i < wire.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {wire[i]}));
            boolean endOfAFrame = i == firstFrame - 1 || i == wire.length - 1;
            assertEquals(!endOfAFrame, decoder.requestInProgress(), "after byte " + i);
            assertEquals(i < firstFrame - 1 ? 0 : i < wire.length - 1 ? 1 : 2, decoder.requestsDecoded(), "after byte " + i);
        }
        assertEquals(2, channel.inboundMessages().size());
        channel.inboundMessages().clear();
        assertFalse(channel.finish());
    }

    @Test
    void aFrameStartedInTheReadThatEndedTheLastIsInProgress() {
        MilterFrameDecoder decoder = new MilterFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame('A'), new byte[] {0, 0})));
        assertEquals(1, decoder.requestsDecoded());
        assertTrue(decoder.requestInProgress(), "half a length field is a started frame");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 1, 'A'}));
        assertEquals(2, decoder.requestsDecoded());
        assertFalse(decoder.requestInProgress());
        channel.inboundMessages().clear();
        assertFalse(channel.finish());
    }

    private static List<Object> decodeWhole(byte[] wire) {
        return decode(wire, false);
    }

    private static List<Object> decodeByteAtATime(byte[] wire) {
        return decode(wire, true);
    }

    private static List<Object> decode(byte[] wire, boolean byteAtATime) {
        EmbeddedChannel channel = new EmbeddedChannel(new MilterFrameDecoder());
        List<ByteBuf> fed = pieces(wire, byteAtATime);
        for (ByteBuf piece : fed) {
            channel.writeInbound(piece);
        }
        List<Object> messages = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            messages.add(m);
        }
        fed.forEach(buf -> assertEquals(0, buf.refCnt(), "input buffer leaked"));
        assertFalse(channel.finish());
        return messages;
    }

    private static List<ByteBuf> pieces(byte[] wire, boolean byteAtATime) {
        List<ByteBuf> pieces = new ArrayList<>();
        if (!byteAtATime) {
            pieces.add(Unpooled.wrappedBuffer(wire));
            return pieces;
        }
        for (byte b : wire) {
            pieces.add(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        return pieces;
    }
}
