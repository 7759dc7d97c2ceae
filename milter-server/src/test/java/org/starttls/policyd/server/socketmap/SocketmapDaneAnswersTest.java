package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.sts.StsWaiter;
import org.starttls.policyd.server.testing.ControlledDaneLookup;
import org.starttls.policyd.server.testing.ControlledStsLookup;
import org.starttls.policyd.server.testing.TestLists;
import org.starttls.policyd.server.transport.TransportPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The socketmap responder with DANE and MTA-STS both on, their resolutions held by the test and
 * the maps' waits run on a manual clock: both start at once and the answer waits at most the map's
 * budget (10 s by default, 2 s for map {@code quick}) in all; a DANE answer never waits for
 * MTA-STS, and "no DANE" lets MTA-STS (then the list) decide. gmail.com is listed; example.org is not.
 */
class SocketmapDaneAnswersTest {
    private static final Instant NOW = Instant.parse("2020-05-25T12:00:00Z");
    private static final String EXAMPLE_STS = "OK secure match=mx1.example.org:.example.org servername=hostname";
    private static final String GMAIL_LIST = "OK secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com servername=hostname";

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualScheduler timers = new ManualScheduler(clock);
    private final ControlledStsLookup sts = new ControlledStsLookup();
    private final ControlledDaneLookup dane = new ControlledDaneLookup();
    private final SocketmapResponder responder = new SocketmapResponder(new SocketmapMaps(TestLists.effEngine(),
            SocketmapMapSettings.DEFAULTS, Map.of("quick", SocketmapMapSettings.DEFAULTS.withStsWait(Duration.ofSeconds(2))),
            new StsWaiter(sts, timers), new DaneWaiter(dane, timers)));

    @Test
    void aMapThatAsksDaneHasNoDecisionAtOnceFromTheListAlone() {
        SocketmapMaps daneOnly = new SocketmapMaps(TestLists.effEngine(), SocketmapMapSettings.DEFAULTS, Map.of(), null,
                new DaneWaiter(dane, timers));
        byte[] gmail = "gmail.com".getBytes(StandardCharsets.US_ASCII);
        assertNull(daneOnly.decideFromListAtOnce("smtp", "gmail.com"), "DANE is asked first: the future answers");
        assertNull(daneOnly.decideAsciiAtOnce("smtp", gmail, 0, gmail.length), "from the key's bytes neither");
        assertEquals(Verdict.REQUIRE_TLS, daneOnly.decideFromListAtOnce("sts", "gmail.com").verdict(),
                "Sendmail's map is never asked DANE");
        assertEquals(daneOnly.decideFromListAtOnce("sts", "gmail.com"), daneOnly.decideAsciiAtOnce("sts", gmail, 0, gmail.length));
        dane.notApplying();
        assertEquals(Verdict.REQUIRE_TLS, daneOnly.decideFromListAtOnce("smtp", "gmail.com").verdict(),
                "DANE that does not apply now is not asked");
        assertEquals(daneOnly.decideFromListAtOnce("smtp", "gmail.com"), daneOnly.decideAsciiAtOnce("smtp", gmail, 0, gmail.length));
    }

    private SocketmapAnswer ask(String map, String key) {
        return responder.answer(map, key);
    }

    private String now(String map, String key) {
        SocketmapReply reply = ask(map, key).immediate();
        assertNotNull(reply, "expected an immediate answer for " + key);
        return reply.wireText();
    }

    private static CompletableFuture<SocketmapReply> later(SocketmapAnswer answer) {
        assertNull(answer.immediate(), "expected a pending answer");
        return ((SocketmapAnswer.Pending) answer).reply().toCompletableFuture();
    }

    @Test
    void mtaStsStartsWhileDaneIsStillLookingUp() {
        CompletableFuture<SocketmapReply> reply = later(ask("any", "example.org"));

        assertEquals(1, dane.asked());
        assertEquals(1, sts.asked(), "MTA-STS did not start until DANE was done");
        sts.pending("example.org").complete(ControlledStsLookup.known("example.org", "enforce", NOW));
        assertFalse(reply.isDone(), "MTA-STS answered before DANE said it has nothing to say");

        dane.pending("example.org").complete(ControlledDaneLookup.verdict(DaneVerdict.Kind.NO_DANE));
        assertEquals(EXAMPLE_STS, reply.join().wireText());
    }

    @Test
    void theTwoWaitsTogetherTakeNoLongerThanTheMapsBudget() {
        sts.pending("example.org").seeRecord();
        CompletableFuture<SocketmapReply> reply = later(ask("any", "example.org"));

        timers.advance(Duration.ofSeconds(9));
        dane.pending("example.org").complete(ControlledDaneLookup.verdict(DaneVerdict.Kind.NO_DANE));
        assertFalse(reply.isDone(), "MTA-STS is still running");
        timers.advance(Duration.ofMillis(999));
        assertFalse(reply.isDone());
        timers.advance(Duration.ofMillis(1));

        assertTrue(reply.isDone(), "waited past 10 s in all: one wait after the other");
        assertTrue(reply.join().wireText().startsWith("TEMP the domain publishes MTA-STS"), reply.join().wireText());
    }

    @Test
    void aDaneAnswerDoesNotWaitForMtaSts() {
        CompletableFuture<SocketmapReply> reply = later(ask("any", "example.org"));
        timers.advance(Duration.ofSeconds(1));

        dane.pending("example.org").complete(ControlledDaneLookup.verdict(DaneVerdict.Kind.DANE_ONLY));

        assertTrue(reply.isDone(), "waited for MTA-STS although DANE decides");
        assertEquals("OK dane-only", reply.join().wireText());
        sts.pending("example.org").complete(ControlledStsLookup.known("example.org", "enforce", NOW));
        assertEquals("OK dane-only", reply.join().wireText());
    }

    @Test
    void daneStillRunningAtTheEndOfTheWaitIsTempWhateverMtaStsKnows() {
        CompletableFuture<SocketmapReply> quick = later(ask("quick", "example.org"));
        CompletableFuture<SocketmapReply> listed = later(ask("any", "gmail.com"));
        sts.pending("example.org").complete(ControlledStsLookup.known("example.org", "enforce", NOW));
        sts.pending("gmail.com").complete(new StsOutcome.NoPolicy(
                StsRecordRefusal.NO_RECORD, "no TXT record"));

        timers.advance(Duration.ofSeconds(2));
        assertTrue(quick.isDone(), "the quick map waits 2 s");
        assertTrue(quick.join().wireText().startsWith("TEMP "), "MTA-STS must not stand in for DANE: "
                + quick.join().wireText());
        assertFalse(listed.isDone());
        timers.advance(Duration.ofSeconds(8));
        assertTrue(listed.join().wireText().startsWith("TEMP "), "nor the list: " + listed.join().wireText());
    }

    @Test
    void aDaneFailureIsTempOverMtaStsAndTheList() {
        dane.answer("example.org", DaneVerdict.Kind.TEMP).answer("gmail.com", DaneVerdict.Kind.TEMP);
        sts.answer("example.org", ControlledStsLookup.known("example.org", "enforce", NOW));

        assertTrue(now("any", "example.org").startsWith("TEMP "));
        assertTrue(now("any", "gmail.com").startsWith("TEMP "));
    }

    @Test
    void aCachedDaneAnswerIsGivenAtOnceWithoutAskingMtaSts() {
        dane.answer("example.org", DaneVerdict.Kind.DANE);

        assertEquals("OK dane", now("any", "example.org"));
        assertEquals(0, sts.asked(), "MTA-STS asked for a domain DANE decides");
    }

    @Test
    void cachedNoDaneIsAnsweredAtOnceByMtaStsOrTheList() {
        dane.answer("example.org", DaneVerdict.Kind.NO_DANE).answer("gmail.com", DaneVerdict.Kind.NO_DANE);
        sts.answer("example.org", ControlledStsLookup.known("example.org", "enforce", NOW));
        sts.answer("gmail.com", new StsOutcome.NoPolicy(
                StsRecordRefusal.NO_RECORD, "no TXT record"));

        assertEquals(EXAMPLE_STS, now("any", "example.org"));
        assertEquals(GMAIL_LIST, now("any", "gmail.com"));
    }

    @Test
    void sendmailsStsMapNeverAsksDane() {
        sts.answer("example.org", ControlledStsLookup.known("example.org", "enforce", NOW));

        assertEquals(EXAMPLE_STS, now("sts", "example.org"));
        assertEquals(0, dane.asked());
    }

    @Test
    void pipelinedRepliesKeepTheRequestOrderWhateverCompletesFirst() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new TransportPipeline("test", TransportSettings.DEFAULTS, new SocketmapProtocol(responder),
                channel.eventLoop().ticker()));
        channel.pipeline().fireChannelActive();
        dane.answer("b.example", DaneVerdict.Kind.DANE_ONLY);
        dane.answer("c.example", DaneVerdict.Kind.NO_DANE);
        sts.answer("c.example", new StsOutcome.NoPolicy(
                StsRecordRefusal.NO_RECORD, "no TXT record"));

        channel.writeInbound(Unpooled.copiedBuffer(netstring("any a.example") + netstring("any b.example")
                + netstring("any c.example"), StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        assertNull(channel.readOutbound(), "a later reply left before the first");

        sts.pending("a.example").complete(ControlledStsLookup.known("a.example", "enforce", NOW));
        dane.pending("a.example").complete(ControlledDaneLookup.verdict(DaneVerdict.Kind.DANE));
        channel.runPendingTasks();

        assertEquals(netstring("OK dane"), text(channel.readOutbound()));
        assertEquals(netstring("OK dane-only"), text(channel.readOutbound()));
        assertEquals(netstring("NOTFOUND "), text(channel.readOutbound()));
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    private static String text(ByteBuf buffer) {
        assertNotNull(buffer, "no reply");
        try {
            return buffer.toString(StandardCharsets.US_ASCII);
        } finally {
            buffer.release();
        }
    }
}
