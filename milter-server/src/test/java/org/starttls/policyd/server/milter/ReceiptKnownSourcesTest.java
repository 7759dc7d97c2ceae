package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.milter.MilterBytes.cstrings;
import static org.starttls.policyd.server.milter.MilterBytes.frame;
import static org.starttls.policyd.server.milter.MilterBytes.rcpt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.metrics.PrometheusText;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.probe.ProbeFixture;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.PolicyDoorClient;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * Both receipt-time doors of the daemon, over real sockets, protect what MTA-STS already knows:
 * MTA-STS policies from a local DNS and HTTPS world, the probe against the fake MXes. None of the
 * domains is in the list. Once a socketmap lookup has cached a domain's {@code enforce} policy,
 * the policy door and the milter tag it and, when its MX strips STARTTLS, defer it; a
 * {@code testing} policy is not protected; a domain nothing is cached for is answered at once as
 * before, and the lookup that answer started lets a later message know.
 */
class ReceiptKnownSourcesTest {
    private static final String HEADER = "X-STARTTLS-Policy";
    @TempDir
    static Path dir;
    private static StsWorld world;
    private static ProbeFixture mxes;
    private static Policyd daemon;

    @BeforeAll
    static void start() throws Exception {
        world = StsWorld.start();
        mxes = new ProbeFixture(dir);
        for (String domain : new String[] {"stripped.test", "secure.test", "later.test"}) {
            world.publish(domain, "1", StsWorld.policy("enforce", 86400, "*.mx.test"));
        }
        world.publish("testing.test", "1", StsWorld.policy("testing", 86400, "*.mx.test"));
        mxes.nameFakesIn(world.dns()); // the daemon has one resolver: MTA-STS's world's
        world.dns().mx("stripped.test", 10, ProbeFixture.PLAIN).mx("secure.test", 10, ProbeFixture.GOOD)
                .mx("testing.test", 10, ProbeFixture.PLAIN).mx("later.test", 10, ProbeFixture.PLAIN);

        Instant signed = Instant.now().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.mtaSts.enabled = true;
        config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("sts-ca.pem")).toString();
        config.dns.resolver = world.resolverSetting();
        config.dns.timeoutMs = 2_000;
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 90;
        config.socketmap.maps.put("patient", patient);
        config.policyService.prependHeader = HEADER;
        config.milter.enabled = true;
        config.milter.listen = "127.0.0.1:0";
        config.milter.addHeader = HEADER;
        config.probe.enabled = true;
        config.probe.port = mxes.settings().port();
        config.probe.trustStore = mxes.settings().trustStore().toString();
        config.probe.ehloName = "probe.client.test";
        config.probe.connectTimeoutSeconds = (int) ProbeFixture.COMMAND_TIMEOUT.toSeconds();
        config.probe.commandTimeoutSeconds = (int) ProbeFixture.COMMAND_TIMEOUT.toSeconds();
        config.probe.probeTimeoutSeconds = (int) ProbeFixture.PROBE_TIMEOUT.toSeconds();
        // A first RCPT waits for its probe, far longer than a probe takes on a loaded machine, so the
        // answer is the probe's (hang guards, below the request limit as the configuration demands).
        config.limits.requestTimeoutSeconds = 90;
        config.probe.waitMillis = 60_000;
        DaemonSettings settings = DaemonSettings.from(config, null);
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort()).withDeadline(Duration.ofSeconds(10));
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(), UnaryOperator.identity(),
                s -> StsNetwork.open(s, fetch));
        for (String domain : new String[] {"stripped.test", "secure.test", "testing.test"}) {
            try (SocketmapClient postfix = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
                postfix.query("patient", domain); // delivery asks first: the policy is cached from now on
            }
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
        if (mxes != null) {
            mxes.close();
        }
        if (world != null) {
            world.close();
        }
    }

    /** One RCPT on a new connection; the reply up to its empty line. */
    private static String policyDoor(String recipient) throws IOException {
        return PolicyDoorClient.rcpt(LocalDaemon.port(daemon, PolicyServiceServer.NAME), recipient);
    }

    @Test
    void thePolicyDoorDefersAnMtaStsDomainUnderDowngradeAndTagsAVerifiedOne() throws IOException {
        String stripped = policyDoor("rcpt@stripped.test");
        assertTrue(stripped.startsWith("action=DEFER_IF_PERMIT 4.7.5 stripped.test: "), stripped);
        assertTrue(stripped.contains(ProbeFixture.PLAIN + " starttls-not-supported"), stripped);

        assertEquals("action=PREPEND " + HEADER + ": secure.test=enforce(match=.mx.test)", policyDoor("rcpt@secure.test"));
        assertEquals("action=DUNNO", policyDoor("rcpt@testing.test"), "a testing policy protects nothing");

        String metrics = PrometheusText.render(daemon.meters(), daemon.snapshot());
        assertTrue(metrics.matches("(?s).*policyd_answers_by_source_total\\{door=\"policy\",source=\"mta-sts\"} [1-9].*"),
                metrics);
    }

    @Test
    void aDomainNothingIsCachedForIsAnsweredAtOnceAndALaterMessageKnows() throws Exception {
        assertEquals("action=DUNNO", policyDoor("rcpt@later.test"), "not in the list, nothing cached: as before");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a hang guard, not a window
        String reply = policyDoor("rcpt@later.test");
        while (!reply.startsWith("action=DEFER_IF_PERMIT 4.7.5") && System.nanoTime() < deadline) {
            Thread.sleep(50); // the background resolution runs on its own; poll it, bounded
            reply = policyDoor("rcpt@later.test");
        }
        assertTrue(reply.startsWith("action=DEFER_IF_PERMIT 4.7.5 later.test: "), reply);
        assertEquals(1, world.policyRequests("later.test"), "one background fetch, started by the first RCPT");
    }

    @Test
    void theMilterDefersTheStrippedRecipientAndTagsTheVerifiedOne() throws IOException {
        try (MilterServerTest.RawClient mta = new MilterServerTest.RawClient(LocalDaemon.port(daemon, MilterServer.NAME))) {
            mta.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, mta.reply());
            mta.send(frame('M', cstrings("<s@origin.example>")), rcpt("<a@stripped.test>"));
            String stripped = mta.reply();
            assertTrue(stripped.startsWith("y:451 4.7.5 stripped.test: "), stripped);
            mta.send(rcpt("<b@secure.test>"));
            assertEquals("c:", mta.reply());
            mta.send(rcpt("<c@testing.test>"));
            assertEquals("c:", mta.reply());
            mta.send(frame('E'));
            assertEquals("h:" + HEADER + "|secure.test=enforce(match=.mx.test)|", mta.reply());
            assertEquals("c:", mta.reply());
        }
    }
}
