package org.starttls.policyd.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One bound, accepting door. {@link #close()} stops accepting, closes its connections and removes its socket file. */
public final class RunningServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningServer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final ListenAddress address;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final ConnectionLimitHandler limit;

    RunningServer(String name, ListenAddress address, Channel serverChannel, ChannelGroup connections,
            ConnectionLimitHandler limit) {
        this.name = name;
        this.address = address;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.limit = limit;
    }

    public String name() {
        return name;
    }

    /** The address as configured (port 0 stays 0; see {@link #localAddress()}). */
    public ListenAddress address() {
        return address;
    }

    /** The address actually bound: the real port when the configured one was 0. */
    public SocketAddress localAddress() {
        return serverChannel.localAddress();
    }

    /** The bound TCP port; throws for a unix socket. */
    public int port() {
        SocketAddress local = localAddress();
        if (!(local instanceof InetSocketAddress)) {
            throw new IllegalStateException(name + " is not listening on TCP");
        }
        return ((InetSocketAddress) local).getPort();
    }

    /** Connections currently open (for status output and tests). */
    public int openConnections() {
        return limit.openConnections();
    }

    public boolean isOpen() {
        return serverChannel.isOpen();
    }

    @Override
    public void close() {
        long timeout = CLOSE_TIMEOUT.toMillis();
        serverChannel.close().awaitUninterruptibly(timeout, TimeUnit.MILLISECONDS);
        // Closing flushes the replies already written. An answer still being decided off the event
        // loop (a probe wait, a reload) is dropped with its connection: the MTA sees the connection
        // close and retries the lookup on a new one, which is a deferral at worst, never a wrong answer.
        connections.close().awaitUninterruptibly(timeout, TimeUnit.MILLISECONDS);
        if (address.isUnix()) {
            try {
                Files.deleteIfExists(address.unixPath());
            } catch (IOException e) {
                LOG.warn("{}: could not remove socket file {}: {}", name, address.unixPath(), e.toString());
            }
        }
        LOG.info("{}: stopped listening on {}", name, address);
    }
}
