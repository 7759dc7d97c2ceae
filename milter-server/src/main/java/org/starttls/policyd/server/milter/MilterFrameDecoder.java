package org.starttls.policyd.server.milter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.starttls.policyd.server.transport.RequestProgress;

/**
 * Splits the MTA's byte stream into milter frames ({@code uint32 length} in network order,
 * counting the command byte, then the command byte and its data) and parses each into a
 * {@link MilterMessage}.
 *
 * <p>The length is checked as soon as its four bytes are in, before anything of the frame is
 * buffered: 0 (a frame without even a command byte) and anything above the limit are refused at
 * once, and so is a command byte that names no command (libmilter and go-milter close the
 * connection there too). After an error the decoder discards everything; the session handler
 * closes the connection.
 *
 * <p>As the transport's {@link RequestProgress}, a frame is "in progress" from its first length
 * byte until its last data byte: the request deadline covers a started frame only. Between frames
 * the MTA may be silent for as long as its SMTP client is (the milter connection lives as long as
 * the SMTP session), which only the transport's idle timeout limits.
 */
final class MilterFrameDecoder extends ByteToMessageDecoder implements RequestProgress {
    /**
     * The largest frame accepted, counting the command byte. The biggest frame a milter can get
     * without asking for more is a body chunk: 65535 bytes (libmilter's {@code MILTER_CHUNK_SIZE},
     * the v6 default when no {@code SMFIP_MDS_*} bit is agreed, and we never agree one) plus the
     * command byte. We ask to skip the body and headers, so what really arrives (macros, RCPT
     * with its parameters) is a few hundred bytes; 64 KiB still lets an MTA that cannot skip
     * body chunks work, and refuses a huge macro block before it is buffered.
     */
    public static final int MAX_FRAME_BYTES = 65_536;
    private static final int LENGTH_FIELD_BYTES = 4;

    private enum State { READ_LENGTH, READ_FRAME, FAILED }

    private final int maxFrameBytes;
    private State state = State.READ_LENGTH;
    private int frameBytes;
    private long framesDecoded;

    public MilterFrameDecoder() {
        this(MAX_FRAME_BYTES);
    }

    public MilterFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_LENGTH:
                if (in.readableBytes() < LENGTH_FIELD_BYTES) {
                    return;
                }
                long length = in.readUnsignedInt();
                if (length == 0) {
                    fail(in, "frame length 0: a frame needs at least its command byte");
                }
                if (length > maxFrameBytes) {
                    fail(in, "frame length " + length + " exceeds the limit of " + maxFrameBytes + " bytes");
                }
                frameBytes = (int) length;
                state = State.READ_FRAME;
                // fall through: the frame may already be complete
            case READ_FRAME:
                if (in.readableBytes() < frameBytes) {
                    return;
                }
                byte code = in.readByte();
                MilterCommand command = MilterCommand.fromCode(code);
                if (command == null) {
                    fail(in, "unknown command byte " + MilterCommand.printable(code));
                }
                ByteBuf data = in.readSlice(frameBytes - 1);
                state = State.READ_LENGTH;
                framesDecoded++;
                try {
                    out.add(MilterPayloads.parse(command, data));
                } catch (MilterCodecException e) {
                    fail(in, e.getMessage());
                }
                return;
            case FAILED:
                in.skipBytes(in.readableBytes());
                return;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (state != State.FAILED && (state == State.READ_FRAME || in.isReadable())) {
            int have = in.readableBytes();
            in.skipBytes(have);
            String expected = state == State.READ_FRAME ? frameBytes + " bytes" : "a 4-byte length";
            state = State.FAILED;
            throw new MilterCodecException("connection closed inside a frame: had " + have + " of " + expected);
        }
    }

    @Override
    public boolean requestInProgress() {
        return state == State.READ_FRAME || (state == State.READ_LENGTH && internalBuffer().isReadable());
    }

    @Override
    public long requestsDecoded() {
        return framesDecoded;
    }

    private void fail(ByteBuf in, String why) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        throw new MilterCodecException(why);
    }
}
