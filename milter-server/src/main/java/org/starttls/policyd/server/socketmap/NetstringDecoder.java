package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Objects;
import org.starttls.policyd.server.transport.RequestProgress;

/**
 * Decodes netstrings ({@code 11:hello there,}) into their payload, strictly: the length must be
 * plain decimal digits with no leading zero (only {@code 0} itself), at most {@code maxBytes}
 * (checked while the digits arrive, so {@code 10000000:} fails at its sixth digit rather than after
 * buffering), followed by {@code :}, exactly that many bytes and a {@code ,}. Nothing past the comma
 * is read. Any violation throws {@link SocketmapCodecException} once and then discards the rest:
 * the connection is going to be closed.
 *
 * <p>Each payload is emitted as what the {@link PayloadReader} makes of it (by default a retained
 * slice), one per {@code decode} call, so that replies to earlier requests in the same read leave
 * before an error about a later one. A reader that throws a {@link io.netty.handler.codec.DecoderException}
 * refuses that payload only: the netstring has been consumed, and framing stays in step.
 */
final class NetstringDecoder extends ByteToMessageDecoder implements RequestProgress {
    /** Bounds {@code maxBytes} so the digit arithmetic cannot overflow an int. */
    public static final int LARGEST_LIMIT_BYTES = 100_000_000;

    /**
     * Turns a complete payload into the message passed on. The bytes are valid only during the
     * call (they are in the read buffer); a reader that keeps them must copy or retain them.
     */
    @FunctionalInterface
    public interface PayloadReader {
        Object read(ByteBuf buffer, int index, int length);
    }

    /** Passes each payload on as a retained slice of the read buffer; the next handler releases it. */
    public static final PayloadReader RETAINED_SLICE = ByteBuf::retainedSlice;

    enum State { READ_LENGTH, READ_PAYLOAD, FAILED }

    private final int maxBytes;
    private final PayloadReader reader;
    private State state = State.READ_LENGTH;
    private int length;
    private int digits;
    private long decoded;

    public NetstringDecoder(int maxBytes) {
        this(maxBytes, RETAINED_SLICE);
    }

    /** @param reader makes the message of each payload (called on the event loop, once per netstring) */
    public NetstringDecoder(int maxBytes, PayloadReader reader) {
        if (maxBytes < 0 || maxBytes > LARGEST_LIMIT_BYTES) {
            throw new IllegalArgumentException("maxBytes must be 0.." + LARGEST_LIMIT_BYTES + ", got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_LENGTH:
                if (!readLength(in)) {
                    return;
                }
                state = State.READ_PAYLOAD;
                // fall through: the payload may already be here
            case READ_PAYLOAD:
                readPayload(in, out);
                return;
            case FAILED:
            default:
                in.skipBytes(in.readableBytes());
        }
    }

    /** Consumes length digits; true once the colon has been read. */
    private boolean readLength(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.readByte();
            if (b == ':') {
                if (digits == 0) {
                    throw fail("netstring length is empty");
                }
                return true;
            }
            if (b < '0' || b > '9') {
                throw fail("netstring length contains a non-digit (byte 0x" + Integer.toHexString(b & 0xff) + ")");
            }
            if (digits == 1 && length == 0) {
                throw fail("netstring length has a leading zero");
            }
            length = length * 10 + (b - '0');
            digits++;
            if (length > maxBytes) {
                throw fail("netstring length exceeds the limit of " + maxBytes + " bytes");
            }
        }
        return false;
    }

    private void readPayload(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < length + 1) {
            return;
        }
        if (in.getByte(in.readerIndex() + length) != ',') {
            throw fail("netstring of " + length + " bytes is not followed by a comma");
        }
        int index = in.readerIndex();
        int payloadLength = length;
        // Consumed before it is read, so a payload the reader refuses leaves framing in step; the
        // bytes stay in the buffer until this decode call returns.
        in.skipBytes(payloadLength + 1);
        decoded++;
        state = State.READ_LENGTH;
        length = 0;
        digits = 0;
        out.add(reader.read(in, index, payloadLength));
    }

    private SocketmapCodecException fail(String message) {
        state = State.FAILED;
        return new SocketmapCodecException(message);
    }

    State state() {
        return state;
    }

    @Override
    public boolean requestInProgress() {
        return state == State.READ_PAYLOAD || (state == State.READ_LENGTH && digits > 0);
    }

    @Override
    public long requestsDecoded() {
        return decoded;
    }
}
