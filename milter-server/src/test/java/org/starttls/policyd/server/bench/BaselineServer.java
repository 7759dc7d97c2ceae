package org.starttls.policyd.server.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The floor to compare policyd with: a Netty server on the same transport and thread count that
 * frames requests the same way and answers each with a fixed reply, doing no decoding, deciding
 * or encoding. What policyd costs beyond this is its own work. The milter baseline is
 * {@link MilterBaselineHandler}.
 */
final class BaselineServer implements AutoCloseable {
    /** An answer of the size policyd gives a listed domain. */
    static final String SOCKETMAP_REPLY = "OK secure match=mx1.example.com:.example.net servername=hostname";
    static final String POLICY_REPLY = "action=DUNNO\n\n";
    /** Name prefix of its I/O threads, whose CPU time the load reports. */
    static final String THREAD_NAME = "baseline-io";

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    BaselineServer(WireProtocol protocol, int workerThreads) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("baseline-accept"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory(THREAD_NAME),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ByteBuf reply = protocol == WireProtocol.SOCKETMAP ? WireProtocol.netstring(SOCKETMAP_REPLY)
                : protocol == WireProtocol.MILTER ? null
                : Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(POLICY_REPLY.getBytes(US_ASCII)));
        serverChannel = new ServerBootstrap().group(acceptor, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(protocol == WireProtocol.MILTER ? new MilterBaselineHandler()
                                : new FixedReplyHandler(protocol, reply));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Finds each complete request and writes the fixed reply for it. */
    private static final class FixedReplyHandler extends ChannelInboundHandlerAdapter {
        private final WireProtocol protocol;
        private final ByteBuf reply;
        private ByteBuf cumulation;

        FixedReplyHandler(WireProtocol protocol, ByteBuf reply) {
            this.protocol = protocol;
            this.reply = reply;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            cumulation = ctx.alloc().buffer(1024);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                cumulation.writeBytes(in);
            } finally {
                in.release();
            }
            boolean answered = false;
            int end;
            while ((end = protocol.frameEnd(cumulation)) >= 0) {
                cumulation.readerIndex(end);
                ctx.write(reply.duplicate(), ctx.voidPromise());
                answered = true;
            }
            cumulation.discardReadBytes();
            if (answered) {
                ctx.flush();
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cumulation.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
