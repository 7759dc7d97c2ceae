package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.testing.ManualScheduler;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.sts.StsFailure;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.sts.StsWaiter;
import org.starttls.policyd.server.testing.ControlledStsLookup;
import org.starttls.policyd.server.testing.TestLists;

/**
 * The socketmap responder with MTA-STS: answers at once from a complete resolution, later for one
 * in progress, and at the map's first-contact wait from what is known then. gmail.com is listed in
 * enforce mode; example.org is not listed.
 */
class SocketmapStsAnswersTest {
    private static final Instant NOW = Instant.parse("2020-05-25T12:00:00Z");
    private static final String GMAIL_LIST = "OK secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com servername=hostname";

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualScheduler timers = new ManualScheduler(clock);
    private final ControlledStsLookup sts = new ControlledStsLookup();
    private final SocketmapMaps maps = new SocketmapMaps(TestLists.effEngine(),
            SocketmapMapSettings.DEFAULTS,
            Map.of("tlsrpt", SocketmapMapSettings.DEFAULTS.withTlsrpt(true),
                    "early", SocketmapMapSettings.DEFAULTS.withEngineSettings(
                            EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)),
                    "quick", SocketmapMapSettings.DEFAULTS.withStsWait(Duration.ofSeconds(2))),
            new StsWaiter(sts, timers));
    private final SocketmapResponder responder = new SocketmapResponder(maps);

    @Test
    void aMapThatAsksMtaStsHasNoDecisionAtOnceFromTheListAlone() {
        assertNull(maps.decideFromListAtOnce("sts", "gmail.com"), "MTA-STS is asked first: the future answers");
        assertNull(maps.decideFromListAtOnce("early", "example.org"));
        byte[] gmail = "gmail.com".getBytes(StandardCharsets.US_ASCII);
        assertNull(maps.decideAsciiAtOnce("sts", gmail, 0, gmail.length), "nor from the key's bytes");
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
    void aCompleteEnforcePolicyIsAnsweredAtOnceOverTheList() {
        sts.answer("example.org", ControlledStsLookup.known("example.org", "enforce", NOW));
        sts.answer("gmail.com", ControlledStsLookup.known("gmail.com", "enforce", NOW));

        assertEquals("OK secure match=mx1.example.org:.example.org servername=hostname", now("any", "example.org"));
        assertEquals("OK secure match=mx1.gmail.com:.gmail.com servername=hostname", now("any", "GMAIL.com.:25"),
                "the domain's own policy takes precedence over the list");
    }

    @Test
    void aDoorsDecisionByAPolicySkipsTheListWhichOnlyTheOperatorsLookupShows() {
        sts.answer("gmail.com", ControlledStsLookup.known("gmail.com", "enforce", NOW));
        Decision door = maps.decideWithSts("any", "gmail.com").toCompletableFuture().join();
        Decision operator = maps.decideFromSources("any", "gmail.com").toCompletableFuture().join();

        assertEquals(DecisionSource.MTA_STS, door.source());
        assertNull(door.policy(), "the door does not look the domain up in the list");
        assertTrue(operator.listed(), "policyctl lookup shows the list's entry beside the policy");
        assertEquals(operator.reason(), door.reason());
        assertEquals(AnswerRenderer.socketmap(operator, SocketmapMapSettings.DEFAULTS),
                AnswerRenderer.socketmap(door, SocketmapMapSettings.DEFAULTS));
    }

    @Test
    void tlsrptAttributesOnlyOnTheMapThatAsksForThem() {
        sts.answer("example.org", ControlledStsLookup.known("example.org", "enforce", NOW));
        assertEquals("OK secure match=mx1.example.org:.example.org servername=hostname policy_type=sts"
                + " policy_domain=example.org mx_host_pattern=mx1.example.org mx_host_pattern=*.example.org"
                + " { policy_string = version: STSv1 } { policy_string = mode: enforce }"
                + " { policy_string = mx: mx1.example.org } { policy_string = mx: *.example.org }"
                + " { policy_string = max_age: 86400 }", now("tlsrpt", "example.org"));
        assertFalse(now("sts", "example.org").contains("policy_type"), "Sendmail's map gets the plain form");
    }

    @Test
    void testingAndNoneModes() {
        sts.answer("example.org", ControlledStsLookup.known("example.org", "testing", NOW));
        sts.answer("gmail.com", ControlledStsLookup.known("gmail.com", "none", NOW));

        assertEquals("NOTFOUND ", now("any", "example.org"));
        assertEquals("OK secure match=mx1.example.org:.example.org servername=hostname", now("early", "example.org"));
        assertEquals("NOTFOUND ", now("any", "gmail.com"), "mode none withdraws protection, over the list");
    }

    @Test
    void noRecordOrAFailureLeavesTheListToAnswer() {
        sts.answer("gmail.com", new StsOutcome.Unusable(StsFailure.DNS, "SERVFAIL", false));
        sts.answer("example.org", new StsOutcome.Unusable(StsFailure.DNS, "SERVFAIL", false));
        sts.answer("example.net", new StsOutcome.NoPolicy(StsRecordRefusal.NO_RECORD, "no TXT record"));

        assertEquals(GMAIL_LIST, now("any", "gmail.com"), "a listed domain never gets NOTFOUND because MTA-STS failed");
        assertEquals("NOTFOUND ", now("any", "example.org"), "RFC 8461: no policy to be had, none cached");
        assertEquals("NOTFOUND ", now("any", "example.net"));
    }

    @Test
    void aFirstContactCompletesWithTheResolution() {
        SocketmapAnswer answer = ask("any", "example.org");
        CompletableFuture<SocketmapReply> reply = later(answer);
        timers.advance(Duration.ofSeconds(9));
        assertFalse(reply.isDone());

        sts.pending("example.org").complete(ControlledStsLookup.known("example.org", "enforce", NOW));

        assertEquals("OK secure match=mx1.example.org:.example.org servername=hostname", reply.join().wireText());
        timers.advance(Duration.ofSeconds(5));
        assertEquals("OK secure match=mx1.example.org:.example.org servername=hostname", reply.join().wireText());
    }

    @Test
    void pastTheWaitWithTheRecordSeenTheMtaIsToldToRetry() {
        sts.pending("example.org").seeRecord();
        CompletableFuture<SocketmapReply> reply = later(ask("any", "example.org"));

        timers.advance(Duration.ofMillis(9_999));
        assertFalse(reply.isDone());
        timers.advance(Duration.ofMillis(1));

        assertTrue(reply.join().wireText().startsWith("TEMP the domain publishes MTA-STS"), reply.join().wireText());
        // The resolution goes on; the retry finds it complete.
        sts.pending("example.org").complete(ControlledStsLookup.known("example.org", "enforce", NOW));
        assertEquals("OK secure match=mx1.example.org:.example.org servername=hostname", now("any", "example.org"));
    }

    @Test
    void pastTheWaitWithoutARecordIsNoPolicyAndAListedDomainGetsTheList() {
        CompletableFuture<SocketmapReply> unlisted = later(ask("any", "example.org"));
        CompletableFuture<SocketmapReply> listed = later(ask("any", "gmail.com"));
        sts.pending("gmail.com").seeRecord();

        timers.advance(Duration.ofSeconds(10));

        assertEquals("NOTFOUND ", unlisted.join().wireText());
        assertEquals(GMAIL_LIST, listed.join().wireText());
    }

    @Test
    void eachMapWaitsItsOwnBudgetAndSendmailsStsMapFourSeconds() {
        sts.pending("example.org").seeRecord();
        CompletableFuture<SocketmapReply> quick = later(ask("quick", "example.org"));
        CompletableFuture<SocketmapReply> sendmail = later(ask("sts", "example.org"));
        CompletableFuture<SocketmapReply> other = later(ask("any", "example.org"));

        timers.advance(Duration.ofSeconds(2));
        assertTrue(quick.isDone());
        assertFalse(sendmail.isDone());
        timers.advance(Duration.ofSeconds(2));
        assertTrue(sendmail.isDone());
        assertTrue(sendmail.join().wireText().startsWith("TEMP "), sendmail.join().wireText());
        assertFalse(other.isDone());
        timers.advance(Duration.ofSeconds(6));
        assertTrue(other.isDone());
    }

    @Test
    void keysThatAreNotDomainsNeverAskMtaSts() {
        assertEquals("NOTFOUND ", now("any", "[192.0.2.1]:25"));
        assertEquals("NOTFOUND ", now("any", ".example.org"));
        assertEquals(0, sts.asked());
    }

    @Test
    void anUnexpectedResolverFailureIsNeverNotFound() {
        sts.pending("example.org").outcome().completeExceptionally(new IllegalStateException("boom"));
        assertTrue(now("any", "example.org").startsWith("TEMP "));
        sts.pending("gmail.com").outcome().completeExceptionally(new IllegalStateException("boom"));
        assertEquals(GMAIL_LIST, now("any", "gmail.com"));
    }
}
