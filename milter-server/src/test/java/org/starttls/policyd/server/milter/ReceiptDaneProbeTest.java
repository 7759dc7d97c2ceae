package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.probe.ProbeFixture;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.PolicyDoorClient;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * The policy door of the daemon, over real sockets, against the DNSSEC world and the probe's fake
 * MXes: a cached {@code dane-only} domain whose MX offers no STARTTLS is deferred at receipt; one
 * whose MX offers STARTTLS with a self-signed certificate (which only its TLSA records vouch for)
 * is tagged, not deferred.
 */
class ReceiptDaneProbeTest {
    private static final String HEADER = "X-STARTTLS-Policy";
    /** Any SPKI digest: the probe never checks TLSA records (delivery does). */
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    @TempDir
    static Path dir;
    private static DnssecWorld world;
    private static ProbeFixture mxes;
    private static Policyd daemon;

    @BeforeAll
    static void start() throws Exception {
        mxes = new ProbeFixture(dir);
        world = DnssecWorld.builder()
                .zone(TestZone.signed("stripped.test").mx(10, "mx.stripped.test")
                        .a("mx.stripped.test", mxes.address(ProbeFixture.PLAIN))
                        .smtpTlsa("mx.stripped.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("selfsigned.test").mx(10, "mx.selfsigned.test")
                        .a("mx.selfsigned.test", mxes.address(ProbeFixture.SELF_SIGNED))
                        .smtpTlsa("mx.selfsigned.test", 3, 1, 1, EE_KEY))
                .start();

        Instant signed = Instant.now().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        InetSocketAddress resolver = world.validatingResolver();
        config.dane.enabled = true;
        config.dane.validationCheck = ".";
        config.dns.resolver = resolver.getAddress().getHostAddress() + ":" + resolver.getPort();
        config.dns.timeoutMs = 5_000;
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 60;
        config.socketmap.maps.put("patient", patient);
        config.policyService.prependHeader = HEADER;
        config.probe.enabled = true;
        config.probe.port = mxes.settings().port();
        config.probe.trustStore = mxes.settings().trustStore().toString();
        config.probe.ehloName = "probe.client.test";
        config.probe.connectTimeoutSeconds = (int) ProbeFixture.COMMAND_TIMEOUT.toSeconds();
        config.probe.commandTimeoutSeconds = (int) ProbeFixture.COMMAND_TIMEOUT.toSeconds();
        config.probe.probeTimeoutSeconds = (int) ProbeFixture.PROBE_TIMEOUT.toSeconds();
        // A first RCPT waits for its probe, far longer than a probe takes on a loaded machine (hang guards).
        config.limits.requestTimeoutSeconds = 90;
        config.probe.waitMillis = 60_000;
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(), UnaryOperator.identity());
        for (String domain : new String[] {"stripped.test", "selfsigned.test"}) {
            try (SocketmapClient postfix = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
                assertEquals("OK dane-only", postfix.query("patient", domain), "delivery asks first: DANE is cached");
            }
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
        if (world != null) {
            world.close();
        }
        if (mxes != null) {
            mxes.close();
        }
    }

    /** One RCPT on a new connection; the reply up to its empty line. */
    private static String policyDoor(String recipient) throws IOException {
        return PolicyDoorClient.rcpt(LocalDaemon.port(daemon, PolicyServiceServer.NAME), recipient);
    }

    @Test
    void aDaneOnlyDomainWhoseMxOffersNoStarttlsIsDeferredAtReceipt() throws IOException {
        String reply = policyDoor("rcpt@stripped.test");
        assertTrue(reply.startsWith("action=DEFER_IF_PERMIT 4.7.5 stripped.test: "), reply);
        assertTrue(reply.contains("mx.stripped.test starttls-not-supported"), reply);
    }

    @Test
    void aDaneOnlyDomainWhoseMxHasASelfSignedCertificateIsTaggedNotDeferred() throws IOException {
        assertEquals("action=PREPEND " + HEADER + ": selfsigned.test=dane-only", policyDoor("rcpt@selfsigned.test"));
    }
}
