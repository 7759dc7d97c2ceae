package org.starttls.policyd.server.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop groups every door shares: one thread accepts, a few do the I/O. Native epoll is
 * used when Netty can load it (Linux), NIO otherwise; both serve TCP and unix sockets (NIO through
 * the JDK's unix-domain channels). Create one per process and close it last.
 *
 * <p>By default there is one I/O thread per core, not Netty's two: a request is a lookup answered
 * on the loop that read it, so a loop is never waiting on anything but its sockets, and more loops
 * than cores only add context switches and thread stacks (docs/benchmarks.md has the figures).
 */
public final class EventLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(100);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Netty's own switch for its default loop count; honoured here so it still overrides ours. */
    static final String THREADS_PROPERTY = "io.netty.eventLoopThreads";

    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;

    private EventLoops(String threadPrefix, boolean epoll, int workerThreads) {
        this.epoll = epoll;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadPrefix + "-accept"), factory());
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory(threadPrefix + "-io"),
                factory());
    }

    /**
     * @param workerThreads I/O threads, or 0 for {@link #defaultWorkerThreads()}
     * @param preferNative use epoll when available; false forces NIO
     */
    public static EventLoops create(int workerThreads, boolean preferNative) {
        return create("policyd", workerThreads, preferNative);
    }

    /** As above, naming the threads {@code threadPrefix-accept-*} and {@code threadPrefix-io-*}. */
    public static EventLoops create(String threadPrefix, int workerThreads, boolean preferNative) {
        if (workerThreads < 0) {
            throw new IllegalArgumentException("workerThreads must not be negative");
        }
        boolean useEpoll = preferNative && Epoll.isAvailable();
        if (preferNative && !useEpoll) {
            LOG.info("native epoll is not available ({}); using NIO", String.valueOf(Epoll.unavailabilityCause()));
        }
        return new EventLoops(threadPrefix, useEpoll, workerThreads == 0 ? defaultWorkerThreads() : workerThreads);
    }

    /** One per core, or the {@code io.netty.eventLoopThreads} system property when it is set to a positive number. */
    public static int defaultWorkerThreads() {
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        int configured = Integer.getInteger(THREADS_PROPERTY, cores);
        return configured > 0 ? configured : cores;
    }

    private IoHandlerFactory factory() {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public boolean isNative() {
        return epoll;
    }

    EventLoopGroup acceptors() {
        return acceptors;
    }

    EventLoopGroup workers() {
        return workers;
    }

    /** The number of I/O threads. */
    public int workerThreads() {
        return ((MultiThreadIoEventLoopGroup) workers).executorCount();
    }

    Class<? extends ServerChannel> tcpChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends ServerChannel> unixChannel() {
        return epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    /** Stops both groups and waits (bounded) for their threads to finish. */
    @Override
    public void close() {
        long quiet = QUIET_PERIOD.toMillis();
        long timeout = SHUTDOWN_TIMEOUT.toMillis();
        acceptors.shutdownGracefully(quiet, timeout, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(quiet, timeout, TimeUnit.MILLISECONDS);
        acceptors.terminationFuture().awaitUninterruptibly(timeout * 2);
        workers.terminationFuture().awaitUninterruptibly(timeout * 2);
    }
}
