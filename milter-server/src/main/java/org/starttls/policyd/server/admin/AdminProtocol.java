package org.starttls.policyd.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;
import org.starttls.policyd.server.transport.ReplyProgress;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The local admin endpoint used by {@code policyctl status}, {@code reload} and {@code lookup}: one
 * command per line ({@code status}, {@code reload}, {@code lookup DOMAIN [MAP]}), one JSON object
 * per line in reply. It is
 * meant for loopback or a unix socket with restrictive permissions only.
 */
public final class AdminProtocol implements ProtocolPipeline {
    /** The door's name in log lines. */
    public static final String NAME = "admin";
    /** A command and its arguments: {@code lookup DOMAIN MAP} with a domain of 253 characters fits. */
    public static final int MAX_COMMAND_BYTES = 600;
    /** Commands a client may send ahead while a reload runs; policyctl sends one per connection. */
    static final int MAX_WAITING_COMMANDS = 8;
    /**
     * Few connections (policyctl opens one per command and sends it at once), a short idle
     * timeout, and a command line must arrive within the request deadline. At the limit a new
     * policyctl takes the place of the connection idle the longest; one waiting for a reload is
     * never idle.
     */
    public static final TransportSettings TRANSPORT = TransportSettings.DEFAULTS.withMaxConnections(16)
            .withIdleTimeout(Duration.ofSeconds(60)).withRequestTimeout(Duration.ofSeconds(10));

    /** The map a lookup answers for when none is named: what Postfix's documented setup asks. */
    public static final String DEFAULT_LOOKUP_MAP = "starttls";
    private static final Logger LOG = LoggerFactory.getLogger(AdminProtocol.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminActions actions;

    public AdminProtocol(AdminActions actions) {
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.FRAMING, new AdminCommandDecoder());
        pipeline.addLast(PipelineNames.REQUESTS, new CommandHandler());
    }

    /** Runs one command per line; replies leave in command order because each waits for the last. */
    private final class CommandHandler extends SimpleChannelInboundHandler<ByteBuf> implements ReplyProgress {
        /** Commands that arrived while a reload runs (in the same read, so not stopped by autoRead). */
        private final ArrayDeque<String> waiting = new ArrayDeque<>();
        private boolean reloading;

        /** A reload runs; its connection is not idle. */
        @Override
        public boolean replyPending() {
            return reloading;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            String command = line.toString(StandardCharsets.US_ASCII).strip();
            if (reloading) {
                if (waiting.size() >= MAX_WAITING_COMMANDS) {
                    ctx.close();
                    return;
                }
                waiting.add(command);
                return;
            }
            run(ctx, command);
        }

        private void run(ChannelHandlerContext ctx, String line) {
            String[] words = line.split(" +");
            String command = words[0];
            if (command.equals("lookup") && (words.length == 2 || words.length == 3)) {
                String map = words.length == 3 ? words[2] : DEFAULT_LOOKUP_MAP;
                waitFor(ctx, actions.lookup(words[1], map), "lookup");
                return;
            }
            switch (command) {
                case "status":
                    reply(ctx, actions.status());
                    break;
                case "reload":
                    LOG.info("admin: reload requested");
                    waitFor(ctx, actions.reload(), "reload");
                    break;
                default:
                    waiting.clear();
                    reply(ctx, error("unknown command; use status, reload or lookup DOMAIN [MAP]"));
                    ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** Replies when {@code result} completes (off the event loop); later commands wait for it. */
        private void waitFor(ChannelHandlerContext ctx, java.util.concurrent.CompletableFuture<ObjectNode> result,
                String what) {
            ctx.channel().config().setAutoRead(false);
            reloading = true;
            result.whenComplete((value, error) -> ctx.executor().execute(() -> {
                reloading = false;
                reply(ctx, error == null ? value : error(what + " failed: " + error.getMessage()));
                while (!reloading && !waiting.isEmpty() && ctx.channel().isActive()) {
                    run(ctx, waiting.poll());
                }
                if (!reloading) {
                    ctx.channel().config().setAutoRead(true);
                }
            }));
        }

        private void reply(ChannelHandlerContext ctx, ObjectNode node) {
            try {
                byte[] bytes = (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
                ctx.writeAndFlush(ctx.alloc().buffer(bytes.length).writeBytes(bytes));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                ctx.close();
            }
        }

        private ObjectNode error(String message) {
            return JSON.createObjectNode().put("error", message);
        }
    }
}
