package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.OverridePolicy;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.metrics.AnswerRecorder;
import org.starttls.policyd.server.testing.TestLists;

class SocketmapResponderTest {
    private static final String GMAIL = "OK secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com servername=hostname";

    private final PolicyEngine engine = TestLists.effEngine();
    private final SocketmapResponder responder = new SocketmapResponder(new SocketmapMaps(engine,
            SocketmapMapSettings.DEFAULTS,
            Map.of("early", SocketmapMapSettings.DEFAULTS.withEngineSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)),
                    "legacy", SocketmapMapSettings.DEFAULTS.withServername(false))));

    private String answer(String map, String key) {
        return responder.answer(map, key).immediate().wireText();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gmail.com        | " + GMAIL,
        "GMail.COM.       | " + GMAIL,
        "gmail.com:25     | " + GMAIL,
        "gmail.com:587    | " + GMAIL,
        "gmail.com:smtp   | " + GMAIL,
        "gmail.com:submission | " + GMAIL,
        "GMAIL.com.:smtp  | " + GMAIL,
        "gmail.com\u3002   | " + GMAIL,
        "gmail\uFF0Ecom\uFF61:25 | " + GMAIL,
        "[gmail.com]:smtp | 'NOTFOUND '",
        "[2001:db8::1]:25 | 'NOTFOUND '",
        "[192.0.2.1]      | 'NOTFOUND '",
        "gmail.com:       | 'NOTFOUND '",
        "gmail.com:a b    | 'NOTFOUND '",
        "[gmail.com]      | 'NOTFOUND '",
        "[gmail.com]:25   | 'NOTFOUND '",
        "[192.0.2.1]:25   | 'NOTFOUND '",
        ".gmail.com       | 'NOTFOUND '",
        "example.com      | 'NOTFOUND '",
        "eff.org          | 'NOTFOUND '",
        "not a domain     | 'NOTFOUND '",
        "aol.com          | 'NOTFOUND '",
    })
    void translatesKeysAndDecisions(String key, String expected) {
        assertEquals(expected, answer("sts", key));
    }

    @Test
    void namedMapsHaveTheirOwnSettingsAndUnknownNamesGetTheDefaults() {
        assertEquals("OK secure match=.eff.org servername=hostname", answer("early", "eff.org"));
        assertEquals("NOTFOUND ", answer("anything-else", "eff.org"));
        assertEquals("OK secure match=.am0.yahoodns.net:mta5.am0.yahoodns.net:mta6.am0.yahoodns.net:mta7.am0.yahoodns.net"
                + " servername=hostname", answer("early", "aol.com"));
        assertEquals("OK secure match=mx1.comcast.net:mx2.comcast.net", answer("legacy", "comcast.net"));
        assertEquals("OK secure match=mx1.comcast.net:mx2.comcast.net servername=hostname", answer("tls", "comcast.net"));
    }

    @Test
    void namedMapsFollowListUpdatesOfTheDaemonEngine() {
        PolicyEngine empty = TestLists.engineWithoutList();
        SocketmapResponder early = new SocketmapResponder(new SocketmapMaps(empty, SocketmapMapSettings.DEFAULTS,
                Map.of("early", SocketmapMapSettings.DEFAULTS.withEngineSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)))));
        assertEquals("TEMP no verified list is loaded yet", early.answer("early", "eff.org").immediate().wireText());
        VerifiedList list = TestLists.effList();
        assertNull(empty.install(list));
        assertEquals("OK secure match=.eff.org servername=hostname", early.answer("early", "eff.org").immediate().wireText());
    }

    @Test
    void aListOnlyMapDecidesAtOnceAsItsFutureWould() {
        LocalOverride pinned = new LocalOverride("example.com", OverridePolicy.SECURE, List.of(MxPattern.of("mx.example.com")),
                "pinned", null, 1);
        SocketmapMaps maps = new SocketmapMaps(engine, SocketmapMapSettings.DEFAULTS, Map.of(), null, null,
                new Overrides(List.of(pinned)));
        for (String domain : List.of("gmail.com", "yahoo.com", "example.org", "example.com")) {
            Decision atOnce = maps.decideFromListAtOnce("sts", domain);
            assertEquals(maps.decideWithSts("sts", domain).toCompletableFuture().join(), atOnce, domain);
        }
        assertEquals(DecisionSource.OVERRIDE, maps.decideFromListAtOnce("sts", "example.com").source(),
                "the override decides first, at once too");
    }

    /** What {@link SocketmapResponder#answerAscii} says for a key, as the door hands it the bytes; null when it declines. */
    private static String answerFromBytes(SocketmapResponder responder, String map, String key) {
        byte[] bytes = ("padding " + key).getBytes(StandardCharsets.ISO_8859_1);
        SocketmapAnswer answer = responder.answerAscii(map, bytes, 8, bytes.length - 8);
        return answer == null ? null : answer.immediate().wireText();
    }

    /** Counts what a responder reports, as the metrics would. */
    private static final class CountingRecorder implements AnswerRecorder {
        final List<String> events = new ArrayList<>();

        @Override
        public void answered(String answer, long elapsedNanos) {
            events.add("answered " + answer);
        }

        @Override
        public void counted(String answer) {
            events.add("counted " + answer);
        }

        @Override
        public void decidedBy(DecisionSource source) {
            events.add("decided by " + source);
        }
    }

    @ParameterizedTest
    @CsvSource({"sts, gmail.com", "sts, yahoo.com", "early, eff.org", "sts, eff.org", "legacy, comcast.net",
        "sts, example.com", "sts, not-listed.example", "sts, a..b", "sts, -bad-.example", "sts, .gmail.com",
        "sts, [192.0.2.1]", "sts, [gmail.com]:25", "anything-else, aol.com", "early, aol.com"})
    void aKeyInNormalFormIsAnsweredFromItsBytesAsFromItsString(String map, String key) {
        CountingRecorder fromBytes = new CountingRecorder();
        CountingRecorder fromString = new CountingRecorder();
        SocketmapMaps maps = new SocketmapMaps(engine, SocketmapMapSettings.DEFAULTS,
                Map.of("early", SocketmapMapSettings.DEFAULTS.withEngineSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)),
                        "legacy", SocketmapMapSettings.DEFAULTS.withServername(false)));
        String bytesAnswer = answerFromBytes(new SocketmapResponder(maps, fromBytes), map, key);
        String stringAnswer = new SocketmapResponder(maps, fromString).answer(map, key).immediate().wireText();
        assertEquals(stringAnswer, bytesAnswer, key);
        assertEquals(fromString.events, fromBytes.events, "the same metrics either way");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GMail.COM", "gmail.com.", "gmail.com:25", "gmail.com:smtp", "gmail.com:", "gmail_com"})
    void aKeyInAnotherFormIsLeftToTheStringPath(String key) {
        assertNull(answerFromBytes(responder, "sts", key), key);
    }

    @Test
    void theBytesAreLeftToTheStringPathWhenTheMapAsksMoreThanTheList() {
        LocalOverride pinned = new LocalOverride("example.com", OverridePolicy.SECURE, List.of(MxPattern.of("mx.example.com")),
                "pinned", null, 1);
        SocketmapResponder withOverrides = new SocketmapResponder(new SocketmapMaps(engine, SocketmapMapSettings.DEFAULTS,
                Map.of(), null, null, new Overrides(List.of(pinned))));
        assertNull(answerFromBytes(withOverrides, "sts", "example.com"), "an override may decide: the string path asks it");
        assertEquals("OK secure match=mx.example.com servername=hostname",
                withOverrides.answer("sts", "example.com").immediate().wireText());
        SocketmapResponder noList = new SocketmapResponder(SocketmapMaps.allDefault(TestLists.engineWithoutList()));
        assertNull(answerFromBytes(noList, "sts", "gmail.com"), "no list: the string path words the TEMP");
    }

    @Test
    void noListMeansTempNeverNotFound() {
        SocketmapResponder noList = new SocketmapResponder(SocketmapMaps.allDefault(TestLists.engineWithoutList()));
        assertEquals("TEMP no verified list is loaded yet", noList.answer("sts", "gmail.com").immediate().wireText());
    }

    @Test
    void anExceptionWhileAnsweringIsTempInternalErrorNeverNotFound() {
        PolicyEngine failing = new PolicyEngine(new BrokenClock(), EngineSettings.DEFAULTS, TestLists.effList());
        SocketmapResponder responder = new SocketmapResponder(SocketmapMaps.allDefault(failing));
        assertEquals("TEMP internal error", responder.answer("sts", "gmail.com").immediate().wireText());
    }

    /** A clock that fails when read, as a broken time source would. */
    private static final class BrokenClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            throw new IllegalStateException("clock unavailable");
        }
    }

    @Test
    void aReplyTooLargeForPostfixBecomesTemp() {
        List<MxPattern> many = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            many.add(MxPattern.of("mx" + i + ".a-rather-long-name-for-a-mail-host.example"));
        }
        Decision huge = Decision.requireTls("example.com", new TlsPolicy(PolicyMode.ENFORCE, many, null), "listed");
        SocketmapReply reply = AnswerRenderer.socketmap(huge, SocketmapMapSettings.DEFAULTS);
        assertEquals(SocketmapReply.Status.TEMP, reply.status());
        assertEquals("TEMP policy for example.com is longer than 100000 bytes", reply.wireText());
    }

    @Test
    void aDowngradeAtDeliveryStillRequiresTls() {
        Decision decision = engine.decide("gmail.com").underDowngrade("downgrade seen");
        assertEquals(GMAIL, AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS).wireText());
    }

    @Test
    void mapNamesMustBeUsableOnTheWire() {
        assertThrows(IllegalArgumentException.class,
                () -> new SocketmapMaps(engine, SocketmapMapSettings.DEFAULTS, Map.of("two words", SocketmapMapSettings.DEFAULTS)));
    }
}
