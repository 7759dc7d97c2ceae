package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.testing.TestLists;
import org.starttls.policyd.server.transport.TransportPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/** How the door's one stage handles the buffers of a read: replies in the read buffer when they fit, nothing leaked. */
class SocketmapHandlerTest {
    private static final String GMAIL =
            "OK secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com servername=hostname";

    private final EmbeddedChannel channel = new EmbeddedChannel();

    SocketmapHandlerTest() {
        SocketmapResponder responder = new SocketmapResponder(new SocketmapMaps(TestLists.effEngine(),
                SocketmapMapSettings.DEFAULTS, Map.of()));
        channel.pipeline().addLast(new TransportPipeline("test", TransportSettings.DEFAULTS, new SocketmapProtocol(responder),
                channel.eventLoop().ticker()));
        channel.pipeline().fireChannelActive();
    }

    private static ByteBuf read(String text, int capacity) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
        return buffer.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aReplyThatFitsGoesOutInTheBufferItsRequestCameIn() {
        ByteBuf request = read(netstring("sts example.com"), 64);
        channel.writeInbound(request);
        ByteBuf reply = channel.readOutbound();
        assertSame(request, reply, "no buffer allocated for the reply");
        assertEquals(netstring("NOTFOUND "), reply.toString(StandardCharsets.US_ASCII));
        reply.release();
        assertEquals(0, request.refCnt());
        assertFalse(channel.finish());
    }

    @Test
    void aReplyTooLargeForTheReadBufferGetsItsOwnAndTheReadBufferIsReleased() {
        ByteBuf request = read(netstring("sts gmail.com"), 32);
        channel.writeInbound(request);
        ByteBuf reply = channel.readOutbound();
        assertNotSame(request, reply);
        assertEquals(0, request.refCnt(), "the read buffer is released");
        assertEquals(netstring(GMAIL), reply.toString(StandardCharsets.US_ASCII));
        reply.release();
        assertFalse(channel.finish());
    }

    @Test
    void pipelinedRequestsInOneReadAreAnsweredInOrderAndOnlyTheLastReusesTheBuffer() {
        ByteBuf requests = read(netstring("sts a.example") + netstring("sts gmail.com") + netstring("sts b.example"), 128);
        channel.writeInbound(requests);
        ByteBuf first = channel.readOutbound();
        ByteBuf second = channel.readOutbound();
        ByteBuf third = channel.readOutbound();
        assertNull(channel.readOutbound());
        assertEquals(netstring("NOTFOUND "), first.toString(StandardCharsets.US_ASCII));
        assertEquals(netstring(GMAIL), second.toString(StandardCharsets.US_ASCII));
        assertEquals(netstring("NOTFOUND "), third.toString(StandardCharsets.US_ASCII));
        assertSame(requests, third);
        first.release();
        second.release();
        third.release();
        assertFalse(channel.finish());
    }

    @Test
    void aReadEndingInsideARequestKeepsItsBytesAndReleasesThemOnClose() {
        ByteBuf whole = read(netstring("sts example.com") + "15:sts exa", 64);
        channel.writeInbound(whole);
        ByteBuf reply = channel.readOutbound();
        assertNotSame(whole, reply, "the read buffer still holds the start of the next request");
        assertEquals(netstring("NOTFOUND "), reply.toString(StandardCharsets.US_ASCII));
        reply.release();
        assertEquals(1, whole.refCnt(), "kept for the rest of the request");
        channel.close();
        assertEquals(0, whole.refCnt(), "released when the connection closes");
        assertFalse(channel.finish());
    }
}
