package org.starttls.policyd.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyRequestDecoderTest {
    private static final String RCPT = "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=user@example.com\n\n";

    private static List<ByteBuf> fed = new ArrayList<>();

    private static ByteBuf bytes(String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        fed.add(buf);
        return buf;
    }

    private static List<PolicyRequest> decode(String input, boolean byteAtATime) {
        fed = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new PolicyRequestDecoder());
        byte[] raw = input.getBytes(StandardCharsets.UTF_8);
        if (byteAtATime) {
            for (byte b : raw) {
                ByteBuf one = Unpooled.buffer(1).writeByte(b);
                fed.add(one);
                channel.writeInbound(one);
            }
        } else {
            channel.writeInbound(bytes(input));
        }
        List<PolicyRequest> requests = new ArrayList<>();
        for (PolicyRequest r; (r = channel.readInbound()) != null; ) {
            requests.add(r);
        }
        assertFalse(channel.finish());
        fed.forEach(buf -> assertEquals(0, buf.refCnt(), "input leaked"));
        return requests;
    }

    private static void assertRefused(String input, String messagePart) {
        for (boolean byteAtATime : new boolean[] {false, true}) {
            EmbeddedChannel channel = new EmbeddedChannel(new PolicyRequestDecoder());
            PolicyCodecException e = assertThrows(PolicyCodecException.class, () -> {
                if (byteAtATime) {
                    for (byte b : input.getBytes(StandardCharsets.UTF_8)) {
                        channel.writeInbound(Unpooled.buffer(1).writeByte(b));
                    }
                } else {
                    channel.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.UTF_8));
                }
            });
            assertTrue(e.getMessage().contains(messagePart), e.getMessage());
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodesRequestsOnAReusedConnection(boolean byteAtATime) {
        List<PolicyRequest> requests = decode(RCPT + RCPT.replace("\n", "\r\n") + "request=smtpd_access_policy\nprotocol_state=DATA\n\n", byteAtATime);
        assertEquals(3, requests.size());
        assertEquals(Map.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "recipient", "user@example.com"),
                requests.get(0).attributes());
        assertEquals(requests.get(0), requests.get(1));
        assertEquals("DATA", requests.get(2).protocolState());
    }

    @Test
    void keepsUnknownAttributesAndEmptyValuesAndUtf8() {
        PolicyRequest request = decode("recipient=jö@bücher.example\nsender=\nfuture_attribute=a=b\n\n", false).get(0);
        assertEquals("jö@bücher.example", request.recipient());
        assertEquals("", request.get("sender"));
        assertEquals("a=b", request.get("future_attribute"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLineOfExactlyTheLimitIsAccepted(boolean byteAtATime) {
        String value = "x".repeat(PolicyRequestDecoder.MAX_LINE_BYTES - "helo_name=".length());
        assertEquals(value, decode("helo_name=" + value + "\r\n\n", byteAtATime).get(0).get("helo_name"));
    }

    @Test
    void aLineOfTheLimitPlusOneIsRefused() {
        String value = "x".repeat(PolicyRequestDecoder.MAX_LINE_BYTES + 1 - "helo_name=".length());
        assertRefused("helo_name=" + value + "\n\n", "limit of 2048 bytes");
    }

    @Test
    void anEndlessLineIsRefusedWithoutWaitingForItsEnd() {
        EmbeddedChannel channel = new EmbeddedChannel(new PolicyRequestDecoder());
        channel.writeInbound(Unpooled.copiedBuffer("x".repeat(PolicyRequestDecoder.MAX_LINE_BYTES + 1), StandardCharsets.US_ASCII));
        assertThrows(PolicyCodecException.class,
                () -> channel.writeInbound(Unpooled.copiedBuffer("xx", StandardCharsets.US_ASCII)));
        assertFalse(channel.finish());
    }

    @Test
    void attributeCountIsPinnedAtTheLimitAndOneMore() {
        StringBuilder atLimit = new StringBuilder();
        for (int i = 0; i < PolicyRequestDecoder.MAX_ATTRIBUTES; i++) {
            atLimit.append("a").append(i).append("=v\n");
        }
        assertEquals(PolicyRequestDecoder.MAX_ATTRIBUTES, decode(atLimit + "\n", false).get(0).attributes().size());
        assertRefused(atLimit + "one_more=v\n\n", "more than 100 attributes");
    }

    @Test
    void refusesMalformedInput() {
        assertRefused("request=smtpd_access_policy\nno equals sign\n\n", "without '='");
        assertRefused("=value\n\n", "empty name");
        assertRefused("\n", "empty request");
        assertRefused("recipient=a@b\nrecipient=c@d\n\n", "given twice");
        assertRefused("recipient=a\u0000b@example.com\n\n", "control character");
        assertRefused("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\n", "control character");
    }

    @Test
    void reportsARequestInProgressUntilItsEmptyLine() {
        PolicyRequestDecoder decoder = new PolicyRequestDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        assertFalse(decoder.requestInProgress());
        channel.writeInbound(Unpooled.copiedBuffer("request=smtpd", StandardCharsets.US_ASCII));
        assertTrue(decoder.requestInProgress(), "partial line");
        channel.writeInbound(Unpooled.copiedBuffer("_access_policy\n", StandardCharsets.US_ASCII));
        assertTrue(decoder.requestInProgress(), "attributes without the empty line");
        channel.writeInbound(Unpooled.copiedBuffer("\n", StandardCharsets.US_ASCII));
        assertFalse(decoder.requestInProgress());
        assertEquals(1, decoder.requestsDecoded());
        channel.readInbound();
        assertFalse(channel.finish());
    }
}
