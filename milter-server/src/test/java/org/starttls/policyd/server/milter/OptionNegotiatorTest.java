package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.milter.MilterBytes.hex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionNegotiatorTest {
    /** "{rcpt_addr} {rcpt_host} {rcpt_mailer}" and its NUL. */
    private static final String RCPT_MACROS_HEX =
            "7b726370745f616464727d207b726370745f686f73747d207b726370745f6d61696c65727d00";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        Postfix 3.x v6 offer, tagging on      | 6          | 000001ff | 001fffff | true  | 00000037 4f 00000006 00000101 000f73f3 00000003 MACROS
        Postfix 3.x v6 offer, tagging off     | 6          | 000001ff | 001fffff | false | 00000037 4f 00000006 00000100 000f73f3 00000003 MACROS
        Sendmail v6 offer with MDS size bits  | 6          | 000001ff | 301fffff | true  | 00000037 4f 00000006 00000101 000f73f3 00000003 MACROS
        v6 without SETSYMLIST: no macro list  | 6          | 00000001 | 001fffff | true  | 0000000d 4f 00000006 00000001 000f73f3
        v2 offer: version 2, old steps only   | 2          | 0000003f | 0000007f | true  | 0000000d 4f 00000002 00000001 00000073
        v4 offer: no macro requests below v6  | 4          | 000001ff | 000003ff | true  | 0000000d 4f 00000004 00000001 000003f3
        newer MTA (v7) clamped to 6           | 7          | 000001ff | 001fffff | true  | 00000037 4f 00000006 00000101 000f73f3 00000003 MACROS
        version 2^32-1 read unsigned, to 6    | 4294967295 | 00000001 | 00000000 | true  | 0000000d 4f 00000006 00000001 00000000
        MTA that can skip nothing             | 6          | 00000001 | 00000000 | true  | 0000000d 4f 00000006 00000001 00000000
        only NR bits, never NORCPT or NR_RCPT | 6          | 00000000 | 0000fc0c | false | 0000000d 4f 00000006 00000000 00007000
        """)
    void answersOffersWithTheExpectedBytes(String what, long version, String actions, String protocol,
            boolean tagging, String expectedReply) throws Exception {
        OptionNegotiation offer = new OptionNegotiation((int) version,
                Integer.parseUnsignedInt(actions, 16), Integer.parseUnsignedInt(protocol, 16));
        Negotiated agreed = new OptionNegotiator(tagging).negotiate(offer);
        assertEquals(expectedReply.replace("MACROS", RCPT_MACROS_HEX).replace(" ", ""), encode(agreed.reply()));
    }

    @ParameterizedTest(name = "version {0}")
    @CsvSource({"0", "1"})
    void refusesVersionsBelowTwo(int version) {
        MilterNegotiationException e = assertThrows(MilterNegotiationException.class,
                () -> new OptionNegotiator(false).negotiate(new OptionNegotiation(version, 0x1ff, 0x1fffff)));
        assertTrue(e.getMessage().contains("version " + version + "; the lowest we speak is 2"), e.getMessage());
    }

    @ParameterizedTest(name = "actions {0}")
    @CsvSource({"00000000", "000001fe"})
    void refusesWhenTaggingNeedsAddHeadersAndTheMtaDoesNotAllowIt(String actions) {
        OptionNegotiation offer = new OptionNegotiation(6, Integer.parseInt(actions, 16), 0x1fffff);
        MilterNegotiationException e = assertThrows(MilterNegotiationException.class,
                () -> new OptionNegotiator(true).negotiate(offer));
        assertTrue(e.getMessage().contains("does not allow adding headers"), e.getMessage());
    }

    @ParameterizedTest(name = "actions {0}")
    @CsvSource({"00000000", "000001fe"})
    void withoutTaggingNoActionIsNeeded(String actions) throws Exception {
        OptionNegotiation offer = new OptionNegotiation(6, Integer.parseInt(actions, 16), 0x1fffff);
        Negotiated agreed = new OptionNegotiator(false).negotiate(offer);
        assertEquals(false, agreed.mayAddHeaders());
    }

    private static String encode(MilterReply reply) {
        EmbeddedChannel channel = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
        channel.writeOutbound(reply);
        ByteBuf out = channel.readOutbound();
        String hex = hex(MilterBytes.drain(out));
        assertEquals(false, channel.finish());
        return hex;
    }
}
