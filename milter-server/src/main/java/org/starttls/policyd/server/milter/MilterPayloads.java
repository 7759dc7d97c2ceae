package org.starttls.policyd.server.milter;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the data part of a frame into a message, checking every length before reading. */
final class MilterPayloads {
    /** version, actions, protocol: three uint32. */
    static final int OPTNEG_BYTES = 12;

    private MilterPayloads() {
    }

    static MilterMessage parse(MilterCommand command, ByteBuf data) {
        switch (command) {
            case OPTNEG:
                return optionNegotiation(data);
            case MAIL:
            case RCPT:
                return envelope(command, data);
            case MACRO:
                return macros(data);
            default:
                // The data of the other steps is not used; the frame limit already bounded it.
                return new StepCommand(command);
        }
    }

    private static OptionNegotiation optionNegotiation(ByteBuf data) {
        // Like libmilter, accept trailing bytes after the three numbers: none are defined today.
        if (data.readableBytes() < OPTNEG_BYTES) {
            throw new MilterCodecException("optneg needs " + OPTNEG_BYTES + " data bytes, got " + data.readableBytes());
        }
        return new OptionNegotiation(data.readInt(), data.readInt(), data.readInt());
    }

    private static EnvelopeCommand envelope(MilterCommand command, ByteBuf data) {
        List<String> strings = cStrings(data, command.name());
        if (strings.isEmpty()) {
            throw new MilterCodecException(command + " carries no address");
        }
        return new EnvelopeCommand(command, strings.get(0), strings.subList(1, strings.size()));
    }

    private static MacroDefinition macros(ByteBuf data) {
        if (!data.isReadable()) {
            throw new MilterCodecException("macro frame without the command it belongs to");
        }
        byte stage = data.readByte();
        List<String> strings = cStrings(data, "macro");
        if (strings.size() % 2 != 0) {
            throw new MilterCodecException("macro frame has a name without a value");
        }
        Map<String, String> macros = new LinkedHashMap<>();
        for (int i = 0; i < strings.size(); i += 2) {
            if (strings.get(i).isEmpty()) {
                throw new MilterCodecException("macro frame has an empty macro name");
            }
            macros.put(strings.get(i), strings.get(i + 1));
        }
        return new MacroDefinition(stage, macros);
    }

    /** NUL-terminated strings filling {@code data} exactly; the last byte must be the NUL. */
    static List<String> cStrings(ByteBuf data, String what) {
        List<String> strings = new ArrayList<>();
        while (data.isReadable()) {
            int nul = data.forEachByte(ByteProcessor.FIND_NUL);
            if (nul < 0) {
                throw new MilterCodecException(what + " data ends inside a string (no NUL terminator)");
            }
            strings.add(data.toString(data.readerIndex(), nul - data.readerIndex(), StandardCharsets.UTF_8));
            data.readerIndex(nul + 1);
        }
        return strings;
    }
}
