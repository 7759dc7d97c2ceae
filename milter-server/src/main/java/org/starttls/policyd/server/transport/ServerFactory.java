package org.starttls.policyd.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds doors: a TCP {@code host:port} or a unix socket, with the same transport handlers in front
 * of every protocol (see {@link PipelineNames} for the order).
 *
 * <p>The transport's timing (the connection limit's half-sent grace, the idle timeout, the request
 * deadline) goes by one clock, the system's {@code nanoTime} unless another is given: a test hands
 * in a {@code MockTicker} and moves it, so a door on real sockets crosses the half-sent grace when
 * the test says, not after a wait. The event loops' timers still say when to look at the idle
 * timeout and the request deadline; the clock decides whether they have passed.
 */
public final class ServerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ServerFactory.class);
    /** {@code S_IFMT} and {@code S_IFSOCK} from {@code stat(2)}: only a stale socket file is ever removed. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /**
     * The smallest read buffer of Netty's adaptive sizing. Its own minimum (64 bytes) is where an
     * MTA's short requests take it, and the socketmap door writes a reply into the buffer its
     * request came in only when the reply fits: an {@code OK secure match=...} answer (80-200
     * bytes) would need a buffer and a copy of its own on every request.
     */
    static final int MIN_READ_BUFFER_BYTES = 512;

    private final EventLoops loops;
    private final Ticker clock;

    public ServerFactory(EventLoops loops) {
        this(loops, Ticker.systemTicker());
    }

    /** @param clock the time the doors' connection limits and timers go by */
    public ServerFactory(EventLoops loops, Ticker clock) {
        this.loops = Objects.requireNonNull(loops, "loops");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Binds and starts accepting.
     *
     * @param name the door's name in log lines ("socketmap", "policy")
     * @throws IOException when the address cannot be bound (in use, no permission, a non-socket file in the way)
     */
    public RunningServer start(String name, ListenAddress address, TransportSettings settings,
            ProtocolPipeline protocol) throws IOException {
        TransportPipeline connections = new TransportPipeline(name, settings, protocol, clock);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
                .channel(address.isUnix() ? loops.unixChannel() : loops.tcpChannel())
                .childHandler(connections);
        if (!address.isUnix()) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        }
        bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, settings.readBufferBytes() > 0
                ? new FixedRecvByteBufAllocator(settings.readBufferBytes())
                : new AdaptiveRecvByteBufAllocator(MIN_READ_BUFFER_BYTES, AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL,
                        AdaptiveRecvByteBufAllocator.DEFAULT_MAXIMUM));

        SocketAddress bindTo = address.isUnix() ? unixSocketAddress(address.unixPath()) : address.toTcpSocketAddress();
        ChannelFuture bound = bootstrap.bind(bindTo).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IOException(name + ": cannot listen on " + address + ": " + cause.getMessage(), cause);
        }
        if (address.isUnix()) {
            restrictSocketFile(name, address.unixPath(), settings, bound.channel());
        }
        RunningServer server = new RunningServer(name, address, bound.channel(), connections.connections(), connections.limit());
        LOG.info("{}: listening on {} ({})", name, address.isUnix() ? address : server.localAddress(),
                loops.isNative() ? "epoll" : "nio");
        return server;
    }

    private SocketAddress unixSocketAddress(Path path) throws IOException {
        UnixSocketFile.clearStale(path);
        return loops.isNative() ? new DomainSocketAddress(path.toFile()) : UnixDomainSocketAddress.of(path);
    }

    private static void restrictSocketFile(String name, Path path, TransportSettings settings, Channel channel)
            throws IOException {
        try {
            UnixSocketFile.restrict(path, settings.unixSocketMode(), settings.unixSocketGroup());
        } catch (IOException | UnsupportedOperationException e) {
            channel.close().awaitUninterruptibly();
            throw new IOException(name + ": cannot set the group and mode of " + path + ": " + e.getMessage(), e);
        }
    }
}
