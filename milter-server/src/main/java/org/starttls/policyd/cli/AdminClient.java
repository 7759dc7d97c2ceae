package org.starttls.policyd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.starttls.policyd.server.transport.ListenAddress;

/** Sends one command to policyd's admin endpoint and reads its one-line JSON reply. */
final class AdminClient {
    /** A status reply is a few KiB; stop reading well before anything unreasonable. */
    static final int MAX_REPLY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminClient() {
    }

    /** Thrown when the daemon cannot be reached or answers nonsense; the message says which. */
    static final class UnreachableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static JsonNode call(ListenAddress address, String command, Duration timeout) throws UnreachableException {
        SocketChannel channel;
        try {
            channel = open(address);
        } catch (IOException e) {
            throw new UnreachableException("cannot reach policyd's admin endpoint at " + address + ": " + e.getMessage()
                    + " (is policyd running, with admin.listen at this address?)", e);
        }
        try (channel) {
            // Channel reads ignore socket timeouts: a watchdog closes the channel instead.
            Thread watchdog = new Thread(() -> closeAfter(channel, timeout), "admin-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            return JSON.readTree(readLine(channel, timeout));
        } catch (JsonProcessingException e) {
            throw new UnreachableException("policyd's admin endpoint at " + address + " answered something that is not"
                    + " JSON: " + e.getOriginalMessage() + " (is admin.listen this daemon's admin endpoint?)", e);
        } catch (IOException e) {
            // Something listens there, so policyd runs; at its connection limit, with every
            // connection busy, it closes a newcomer at once.
            throw new UnreachableException("policyd's admin endpoint at " + address + " accepted the connection but gave"
                    + " no reply: " + e.getMessage() + " (policyd may be busy or at its connection limit; try again"
                    + " in a few seconds)", e);
        }
    }

    private static void closeAfter(SocketChannel channel, Duration timeout) {
        try {
            Thread.sleep(timeout.toMillis());
            channel.close();
        } catch (InterruptedException | IOException e) {
            // The call ended first, or the channel is already closed.
        }
    }

    private static SocketChannel open(ListenAddress address) throws IOException {
        if (address.isUnix()) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(address.unixPath()));
            return channel;
        }
        return SocketChannel.open(new InetSocketAddress(address.host(), address.port()));
    }

    /** Reads up to the first newline, through a stream so the socket timeout applies. */
    private static String readLine(SocketChannel channel, Duration timeout) throws IOException {
        var in = Channels.newInputStream(channel);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the connection closed before a reply");
            }
            if (line.size() >= MAX_REPLY_BYTES || System.nanoTime() > deadline) {
                throw new IOException("no complete reply within " + timeout.toSeconds() + " s");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
