package org.starttls.policyd.server.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the load: N connections on its own event loop(s), each in a closed loop
 * (see {@link ClientLoop}). A run connects, warms up, measures for a fixed time, lets every
 * connection finish its outstanding request, and closes.
 */
final class LoadClient implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_SECONDS = 10;
    private static final long DRAIN_TIMEOUT_SECONDS = 10;
    /** Samples kept per connection (8 bytes each). */
    private static final int MAX_SAMPLES_PER_CONNECTION = 1 << 21;
    private static final String THREAD_NAME = "load-client";

    private final EventLoopGroup group;
    private final boolean epoll;

    LoadClient(int threads) {
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(THREAD_NAME),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    boolean isNative() {
        return epoll;
    }

    /** @param serverThreads name prefix of the server's I/O threads (for their CPU time), or null when not in this JVM */
    RunResult run(InetSocketAddress target, ClientLoop.Factory loops, int connections, Duration warmup,
            Duration measure, String serverThreads) throws InterruptedException {
        RunControl control = new RunControl();
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch stopped = new CountDownLatch(connections);
        ClientLoop.Run run = new ClientLoop.Run(control, connected, stopped);
        List<ClientLoop> handlers = new ArrayList<>(connections);
        List<Channel> channels = new ArrayList<>(connections);
        try {
            for (int c = 0; c < connections; c++) {
                ClientLoop handler = loops.create(c, connections, run, new LatencyRecorder(MAX_SAMPLES_PER_CONNECTION));
                handlers.add(handler);
                ChannelFuture connect = new Bootstrap().group(group)
                        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel channel) {
                                channel.pipeline().addLast(handler);
                            }
                        })
                        .connect(target);
                channels.add(connect.channel());
                if (!connect.await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !connect.isSuccess()) {
                    throw new IllegalStateException("cannot connect to " + target + ": " + connect.cause());
                }
            }
            if (!connected.await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("connections to " + target + " did not become ready: "
                        + control.failure());
            }
            TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
            long serverCpu = ThreadCpu.nanos(serverThreads);
            long clientCpu = ThreadCpu.nanos(THREAD_NAME);
            control.enter(RunControl.Phase.MEASURE);
            long start = System.nanoTime();
            TimeUnit.NANOSECONDS.sleep(measure.toNanos());
            control.enter(RunControl.Phase.STOP);
            long elapsed = System.nanoTime() - start;
            serverCpu = serverThreads == null ? -1 : ThreadCpu.nanos(serverThreads) - serverCpu;
            clientCpu = ThreadCpu.nanos(THREAD_NAME) - clientCpu;
            if (!stopped.await(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                control.failed("some connections got no reply within " + DRAIN_TIMEOUT_SECONDS + " s");
            }
            return RunResult.of(handlers, elapsed, serverCpu, clientCpu, control.failure());
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            for (Channel channel : channels) {
                channel.closeFuture().awaitUninterruptibly(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
