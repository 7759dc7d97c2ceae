package org.starttls.policyd.server.milter;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.ReceiptDecider;

/**
 * A milter server on TCP ({@code smtpd_milters = inet:127.0.0.1:PORT}). A small stand-in until
 * the shared transport layer binds {@link MilterChannelInitializer} itself; it owns its event
 * loops and closes them in {@link #close()}.
 */
public final class MilterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MilterServer.class);

    private final MilterChannelInitializer initializer;
    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();

    /**
     * @param ioThreads event loop threads for accepting and serving connections
     * @param decisionExecutor where decisions run, or null to run them on the event loop
     */
    public MilterServer(ReceiptDecider decider, MilterSettings settings, Executor decisionExecutor, int ioThreads) {
        this.initializer = new MilterChannelInitializer(decider, settings, decisionExecutor);
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
    }

    /** Binds and starts accepting; returns the bound address (port 0 becomes the real port). */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(address).sync().channel();
        listeners.add(channel);
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        LOG.info("milter listening on {}", bound);
        return bound;
    }

    public int openConnections() {
        return initializer.openConnections();
    }

    @Override
    public synchronized void close() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        listeners.clear();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
