package org.starttls.policyd.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.transport.TransportPipeline;

/** The admin endpoint's timers, on its production transport settings and the embedded loop's clock. */
class AdminProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers status at once; a reload completes when the test says so. */
    private static final class Actions implements AdminActions {
        final CompletableFuture<ObjectNode> reload = new CompletableFuture<>();

        @Override
        public ObjectNode status() {
            return JSON.createObjectNode().put("state", "running");
        }

        @Override
        public CompletableFuture<ObjectNode> reload() {
            return reload;
        }
    }

    private static EmbeddedChannel connection(AdminActions actions) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new TransportPipeline(AdminProtocol.NAME, AdminProtocol.TRANSPORT,
                new AdminProtocol(actions), channel.eventLoop().ticker()));
        channel.pipeline().fireChannelActive();
        return channel;
    }

    private static void send(EmbeddedChannel channel, String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private static String reply(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static void advance(EmbeddedChannel channel, Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
    }

    @Test
    void halfACommandIsCutOffAtTheRequestDeadline() {
        EmbeddedChannel channel = connection(new Actions());
        send(channel, "sta");
        advance(channel, AdminProtocol.TRANSPORT.requestTimeout().minusMillis(1));
        assertTrue(channel.isOpen());
        advance(channel, Duration.ofMillis(1));
        assertFalse(channel.isOpen(), "a client that never ends its command does not hold a slot");
    }

    @Test
    void anIdleConnectionIsClosedAfterTheAdminIdleTimeout() {
        EmbeddedChannel channel = connection(new Actions());
        send(channel, "status\n");
        assertEquals("{\"state\":\"running\"}\n", reply(channel));
        advance(channel, AdminProtocol.TRANSPORT.idleTimeout().minusSeconds(1));
        assertTrue(channel.isOpen());
        advance(channel, Duration.ofSeconds(1));
        assertFalse(channel.isOpen());
    }

    @Test
    void aReloadInProgressIsNeitherIdleNorHeldToTheRequestDeadline() {
        Actions actions = new Actions();
        EmbeddedChannel channel = connection(actions);
        send(channel, "reload\n");
        advance(channel, AdminProtocol.TRANSPORT.requestTimeout().multipliedBy(3));
        assertTrue(channel.isOpen(), "the command is complete: a long reload is not a slow client");
        actions.reload.complete(JSON.createObjectNode().put("reloaded", true));
        channel.runPendingTasks();
        assertEquals("{\"reloaded\":true}\n", reply(channel));
    }
}
