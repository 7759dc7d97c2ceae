package org.starttls.policyd.server.socketmap;

import io.netty.buffer.ByteBuf;

/**
 * Finds netstrings ({@code 11:hello there,}) in the bytes a connection has received, strictly: the
 * length must be plain decimal digits with no leading zero (only {@code 0} itself), at most
 * {@code maxBytes} (checked while the digits arrive, so {@code 10000000:} fails at its sixth digit
 * rather than after buffering), followed by {@code :}, exactly that many bytes and a {@code ,}.
 * Nothing past the comma is read. Any violation throws {@link SocketmapCodecException} once; the
 * framer then stays {@link State#FAILED} (the connection is going to be closed).
 *
 * <p>Not a handler: {@link SocketmapHandler} calls {@link #next} in its read loop, so a request is
 * framed, parsed and answered in one pipeline stage. State is explicit, so bytes may arrive one
 * at a time.
 */
final class NetstringFramer {
    /** Bounds {@code maxBytes} so the digit arithmetic cannot overflow an int. */
    static final int LARGEST_LIMIT_BYTES = 100_000_000;

    enum State { READ_LENGTH, READ_PAYLOAD, FAILED }

    private final int maxBytes;
    private State state = State.READ_LENGTH;
    private int length;
    private int digits;
    private long framed;

    NetstringFramer(int maxBytes) {
        if (maxBytes < 0 || maxBytes > LARGEST_LIMIT_BYTES) {
            throw new IllegalArgumentException("maxBytes must be 0.." + LARGEST_LIMIT_BYTES + ", got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Consumes the next whole netstring from {@code in} and returns its payload's length; the
     * payload is the bytes just before the comma, at {@code in.readerIndex() - length - 1}. Returns
     * -1 when the netstring is not complete yet: length digits read so far are consumed (and
     * remembered), a partial payload is left in {@code in} for the next call.
     *
     * @throws SocketmapCodecException when the bytes break the framing rules
     */
    int next(ByteBuf in) {
        if (state == State.FAILED) {
            throw new IllegalStateException("netstring framing failed earlier");
        }
        if (state == State.READ_LENGTH) {
            if (!readLength(in)) {
                return -1;
            }
            state = State.READ_PAYLOAD;
        }
        if (in.readableBytes() < length + 1) {
            return -1;
        }
        if (in.getByte(in.readerIndex() + length) != ',') {
            throw fail("netstring of " + length + " bytes is not followed by a comma");
        }
        int payloadLength = length;
        in.skipBytes(payloadLength + 1);
        framed++;
        state = State.READ_LENGTH;
        length = 0;
        digits = 0;
        return payloadLength;
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

    private SocketmapCodecException fail(String message) {
        state = State.FAILED;
        return new SocketmapCodecException(message);
    }

    State state() {
        return state;
    }

    /**
     * Whether bytes of a netstring that is not complete yet have arrived (length digits, or the
     * colon and perhaps part of the payload, which {@link #next} leaves unread until it is whole).
     */
    boolean inProgress() {
        return state == State.READ_PAYLOAD || (state == State.READ_LENGTH && digits > 0);
    }

    /** Netstrings framed so far. */
    long framed() {
        return framed;
    }
}
