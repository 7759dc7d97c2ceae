package org.starttls.policyd.server.milter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.milter.MilterBytes.rcpt;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.probe.DowngradeDetector;
import org.starttls.policyd.server.probe.ProbeFixture;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;

/**
 * The milter door with the real downgrade detector probing the fake MXes: the recipient whose
 * enforce-mode domain has an MX that strips STARTTLS is tempfailed with the domain and the
 * failure named; the others of the message go on.
 */
class MilterDowngradeProbeTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheRecipientAtTheStrippedDomainIsTempfailed() throws Exception {
        Instant now = Instant.now();
        String json = TestLists.json(now.minusSeconds(3600), now.plus(Duration.ofDays(7)), Map.of(
                "stripped.test", ProbeFixture.PATTERN, "secure.test", ProbeFixture.PATTERN,
                "testing.stripped.test", ProbeFixture.PATTERN));
        VerifiedList list = new VerifiedList(PreloadListParser.parse(json.getBytes(UTF_8)),
                new SignatureInfo("TEST", "TEST", "milter probe test", now), "milter probe test", false);
        PolicyEngine engine = new PolicyEngine(Clock.systemUTC(), EngineSettings.DEFAULTS, list);
        EventLoops loops = EventLoops.create(1, true);
        ExecutorService decisions = Executors.newFixedThreadPool(2);
        try (ProbeFixture world = new ProbeFixture(dir);
                DowngradeDetector detector = DowngradeDetector.start(world.settings().withWaitBudget(Duration.ofSeconds(30)), // never the deciding bound
                        Clock.systemUTC())) {
            world.dns.mx("stripped.test", 10, ProbeFixture.PLAIN).mx("secure.test", 10, ProbeFixture.GOOD)
                    .mx("testing.stripped.test", 10, ProbeFixture.PLAIN);
            ReceiptDecider decider = detector.layer(ReceiptDecider.listOnly(engine));
            try (RunningServer server = MilterServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"),
                    MilterServer.TRANSPORT_DEFAULTS, MilterSettings.DEFAULTS, decider, decisions);
                    MilterServerTest.RawClient mta = new MilterServerTest.RawClient(server.port())) {
                mta.send(MilterSessionHandlerTest.POSTFIX_OFFER);
                assertTrue(mta.reply().startsWith("O:00000006"), "negotiated");
                mta.send(MilterSessionHandlerTest.MAIL, rcpt("<a@secure.test>"));
                assertEquals("c:", mta.reply());
                mta.send(rcpt("<b@stripped.test>"));
                String deferred = mta.reply();
                assertTrue(deferred.startsWith("y:451 4.7.5 stripped.test: STARTTLS downgrade"), deferred);
                assertTrue(deferred.contains(ProbeFixture.PLAIN + " starttls-not-supported"), deferred);
                mta.send(rcpt("<c@testing.stripped.test>"));
                assertEquals("c:", mta.reply(), "testing mode: logged, never deferred");
                mta.send(rcpt("<d@unlisted.test>"));
                assertEquals("c:", mta.reply());
            }
        } finally {
            decisions.shutdownNow();
            loops.close();
        }
    }
}
