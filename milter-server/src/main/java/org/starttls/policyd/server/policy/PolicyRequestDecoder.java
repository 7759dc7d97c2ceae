package org.starttls.policyd.server.policy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.starttls.policyd.server.answer.PrintableText;
import org.starttls.policyd.server.transport.RequestProgress;

/**
 * Decodes policy delegation requests: {@code name=value} lines (LF, or CRLF) ended by an empty
 * line. Each line is at most {@code maxLineBytes} bytes without its ending and a request has at
 * most {@code maxAttributes} lines; a longer line is refused as soon as the limit is passed, without
 * waiting for its end. A line without {@code =}, an empty name, a control character, a repeated
 * name or an empty request is refused too: the decoder throws {@link PolicyCodecException} once and
 * then discards everything, and the connection is closed without an answer (an answer to a request
 * we could not read would be a guess).
 *
 * <p>Values are read as UTF-8 (SMTPUTF8 addresses); stray non-UTF-8 bytes become U+FFFD rather
 * than an error, since fields such as {@code helo_name} come from the SMTP client and must not make
 * the whole request fail.
 *
 * <p>This runs for every RCPT on the event loop, so it is kept lean: each line is copied out once
 * into a reused array and checked and split there, and the attributes go straight into the
 * request's immutable map, with no intermediate map to copy from.
 */
final class PolicyRequestDecoder extends ByteToMessageDecoder implements RequestProgress {
    /** Longest attribute line accepted, in bytes, not counting the line ending. */
    public static final int MAX_LINE_BYTES = 2048;
    /** Most attribute lines in one request. Postfix 3.7 sends about 30. */
    public static final int MAX_ATTRIBUTES = 100;

    enum State { READ_ATTRIBUTES, FAILED }

    private final int maxLineBytes;
    private final int maxAttributes;
    /** The current request's attributes in arrival order; handed over as one immutable map at its end. */
    private final List<Map.Entry<String, String>> attributes = new ArrayList<>();
    /** The line being split, copied out of the buffer in one go. */
    private final byte[] line;
    private State state = State.READ_ATTRIBUTES;
    private long decoded;

    public PolicyRequestDecoder() {
        this(MAX_LINE_BYTES, MAX_ATTRIBUTES);
    }

    public PolicyRequestDecoder(int maxLineBytes, int maxAttributes) {
        if (maxLineBytes < 1 || maxAttributes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxLineBytes = maxLineBytes;
        this.maxAttributes = maxAttributes;
        this.line = new byte[maxLineBytes];
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            int start = in.readerIndex();
            // content, an optional CR and the LF
            int window = Math.min(in.readableBytes(), maxLineBytes + 2);
            int lf = in.indexOf(start, start + window, (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() > maxLineBytes + 1) {
                    throw fail("line longer than the limit of " + maxLineBytes + " bytes");
                }
                return;
            }
            int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (end - start > maxLineBytes) {
                throw fail("line longer than the limit of " + maxLineBytes + " bytes");
            }
            in.readerIndex(lf + 1);
            if (end == start) {
                if (attributes.isEmpty()) {
                    throw fail("empty request");
                }
                @SuppressWarnings("unchecked")
                Map.Entry<String, String>[] entries = attributes.toArray(new Map.Entry[0]);
                out.add(new PolicyRequest(Map.ofEntries(entries)));
                attributes.clear();
                decoded++;
                return;
            }
            addAttribute(in, start, end);
        }
    }

    private void addAttribute(ByteBuf in, int start, int end) {
        int length = end - start;
        in.getBytes(start, line, 0, length);
        int equals = -1;
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if ((b >= 0 && b < 0x20 && b != '\t') || b == 0x7f) {
                throw fail("control character 0x" + Integer.toHexString(b) + " in an attribute line");
            }
            if (b == '=' && equals < 0) {
                equals = i;
            }
        }
        if (equals < 0) {
            throw fail("attribute line without '='");
        }
        if (equals == 0) {
            throw fail("attribute line with an empty name");
        }
        if (attributes.size() >= maxAttributes) {
            throw fail("more than " + maxAttributes + " attributes in one request");
        }
        String name = new String(line, 0, equals, StandardCharsets.UTF_8);
        if (isRepeated(name)) {
            throw fail("attribute " + printable(name) + " given twice");
        }
        attributes.add(Map.entry(name, new String(line, equals + 1, length - equals - 1, StandardCharsets.UTF_8)));
    }

    /**
     * A linear scan: at most {@code maxAttributes} (100) names, compared by their hash first, costs
     * less than filling a hash map per request only to copy it into the immutable one.
     */
    private boolean isRepeated(String name) {
        int hash = name.hashCode();
        for (int i = 0; i < attributes.size(); i++) {
            String seen = attributes.get(i).getKey();
            if (seen.hashCode() == hash && seen.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String name) {
        return PrintableText.abbreviated(name, 64);
    }

    private PolicyCodecException fail(String message) {
        state = State.FAILED;
        attributes.clear();
        return new PolicyCodecException(message);
    }

    State state() {
        return state;
    }

    @Override
    public boolean requestInProgress() {
        return state == State.READ_ATTRIBUTES && (!attributes.isEmpty() || internalBuffer().isReadable());
    }

    @Override
    public long requestsDecoded() {
        return decoded;
    }
}
