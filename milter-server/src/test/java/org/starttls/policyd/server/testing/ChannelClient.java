package org.starttls.policyd.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An independent client for the doors' transport tests, over TCP or a unix socket alike (JDK
 * {@link SocketChannel}), with every read bounded in time.
 */
public final class ChannelClient implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30); // a hang guard, not a timing window

    private final SocketChannel channel;
    private final Selector selector;

    private ChannelClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static ChannelClient connect(SocketAddress address) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        try {
            channel.connect(address);
            return new ChannelClient(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
    }

    /** Writes {@code bytes} in pieces of at most {@code chunk} bytes. */
    public void send(byte[] bytes, int chunk) throws IOException {
        for (int i = 0; i < bytes.length; i += chunk) {
            ByteBuffer piece = ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (piece.hasRemaining()) {
                if (channel.write(piece) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the server reads nothing");
                    }
                    Thread.onSpinWait();
                }
            }
        }
    }

    /** Exactly {@code count} bytes, read at most {@code chunk} at a time. */
    public byte[] read(int count, int chunk) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, chunk));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count) {
            buffer.clear().limit(Math.min(buffer.capacity(), count - received.size()));
            int n = readSome(buffer, deadline);
            if (n == TIMED_OUT) {
                throw new IOException("no reply within " + TIMEOUT.toSeconds() + " s after " + received.size()
                        + " of " + count + " bytes");
            }
            if (n < 0) {
                throw new IOException("closed after " + received.size() + " of " + count + " bytes: "
                        + received.toString(StandardCharsets.UTF_8));
            }
            received.write(buffer.array(), 0, n);
        }
        return received.toByteArray();
    }

    public String read(int count) throws IOException {
        return new String(read(count, 4096), StandardCharsets.UTF_8);
    }

    /** Whether the server closed (or reset) the connection within {@code wait}; false if it stayed open. */
    public boolean closedWithin(Duration wait) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        int n;
        try {
            n = readSome(one, System.nanoTime() + wait.toNanos());
        } catch (IOException reset) {
            return true;
        }
        if (n > 0) {
            throw new IOException("unexpected byte " + one.get(0) + " while waiting for close");
        }
        return n == END_OF_STREAM;
    }

    private static final int END_OF_STREAM = -1;
    private static final int TIMED_OUT = -2;

    /** Bytes read, {@link #END_OF_STREAM}, or {@link #TIMED_OUT} at the deadline. */
    private int readSome(ByteBuffer buffer, long deadline) throws IOException {
        while (true) {
            int n = channel.read(buffer);
            if (n != 0) {
                return n;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return TIMED_OUT;
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }
    }

    @Override
    public String toString() {
        try {
            return String.valueOf(channel.getLocalAddress());
        } catch (IOException e) {
            return "closed";
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
