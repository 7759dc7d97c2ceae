package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.PolicyHosts;
import org.starttls.policyd.fetcher.testworld.PolicyResponse;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.TestCa;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * DANE, MTA-STS and the list together in one daemon over real sockets: the DNSSEC world (NSD with
 * zones signed now, behind a validating unbound that is also {@code dns.resolver}) publishes the
 * TLSA records and the {@code _mta-sts} TXT records, and the policy hosts {@code mta-sts.DOMAIN}
 * (127.0.0.1 in the world) serve the policies over HTTPS under a test CA. What decides:
 * DANE where the zone is signed and has TLSA, else MTA-STS, else the list.
 */
class PolicydDaneWithMtaStsTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    /** Signed, no TLSA, MTA-STS enforce: MTA-STS decides. */
    private static final String NO_TLSA_STS = "notlsa-sts.test";
    /** Signed, TLSA at its one MX, MTA-STS enforce: DANE decides. */
    private static final String TLSA_STS = "tlsa-sts.test";
    /** Signed, TLSA, on the list: DANE decides. */
    private static final String TLSA_LISTED = "tlsa-listed.test";
    /** Signed, TLSA, MTA-STS enforce and on the list: DANE decides. */
    private static final String TLSA_STS_LISTED = "tlsa-sts-listed.test";
    /** Not signed, with TLSA (worthless there) and MTA-STS enforce: MTA-STS decides. */
    private static final String UNSIGNED_STS = "unsigned-sts.test";
    /** Not signed, with TLSA, on the list, no MTA-STS: the list decides. */
    private static final String UNSIGNED_LISTED = "unsigned-listed.test";

    private static DnssecWorld world;
    private static TestCa ca;
    private static PolicyHosts policyHosts;

    @TempDir
    Path dir;
    private Policyd daemon;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void startWorld() throws IOException {
        world = DnssecWorld.builder()
                .zone(withMx(TestZone.signed(NO_TLSA_STS)).mtaSts("1"))
                .zone(withTlsa(withMx(TestZone.signed(TLSA_STS))).mtaSts("1"))
                .zone(withTlsa(withMx(TestZone.signed(TLSA_LISTED))))
                .zone(withTlsa(withMx(TestZone.signed(TLSA_STS_LISTED))).mtaSts("1"))
                .zone(withTlsa(withMx(TestZone.unsigned(UNSIGNED_STS))).mtaSts("1"))
                .zone(withTlsa(withMx(TestZone.unsigned(UNSIGNED_LISTED))))
                .start();
        ca = TestCa.create();
        policyHosts = PolicyHosts.start(ca);
        for (String domain : new String[] {NO_TLSA_STS, TLSA_STS, TLSA_STS_LISTED, UNSIGNED_STS}) {
            policyHosts.serve(StsWorld.policyHost(domain),
                    PolicyResponse.policy(StsWorld.policy("enforce", 86400, mx(domain))));
        }
    }

    private static TestZone withMx(TestZone zone) {
        return zone.mx(10, mx(zone.name())).a(mx(zone.name()), "127.0.0.1");
    }

    private static TestZone withTlsa(TestZone zone) {
        return zone.smtpTlsa(mx(zone.name()), 3, 1, 1, EE_KEY);
    }

    private static String mx(String domain) {
        return "mx." + domain;
    }

    @AfterAll
    static void stopWorld() {
        if (policyHosts != null) {
            policyHosts.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        Instant signed = clock.instant().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of(TLSA_LISTED, mx(TLSA_LISTED), TLSA_STS_LISTED, mx(TLSA_STS_LISTED),
                        UNSIGNED_LISTED, mx(UNSIGNED_LISTED))).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.dane.enabled = true;
        config.mtaSts.enabled = true;
        config.mtaSts.trustStore = ca.writeRootPem(dir.resolve("test-ca.pem")).toString();
        InetSocketAddress resolver = world.validatingResolver();
        config.dns.resolver = resolver.getAddress().getHostAddress() + ":" + resolver.getPort();
        config.dns.timeoutMs = 5_000;
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 60;
        config.socketmap.maps.put("patient", patient);
        DaemonSettings settings = DaemonSettings.from(config, null);
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(policyHosts.port());
        daemon = Policyd.start(settings, () -> settings, clock, UnaryOperator.identity(),
                daemonSettings -> StsNetwork.open(daemonSettings, fetch));
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private String ask(String domain) throws Exception {
        try (SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
            return client.query("patient", domain);
        }
    }

    private String sourceOf(String domain) {
        JsonNode report = daemon.lookup(domain, "patient").join();
        return report.path("source").asText();
    }

    @Test
    void aSignedZoneWithoutTlsaFallsThroughToMtaSts() throws Exception {
        assertEquals(secure(NO_TLSA_STS), ask(NO_TLSA_STS));
        assertEquals("mta-sts", sourceOf(NO_TLSA_STS));
        assertTrue(policyHosts.requests(StsWorld.policyHost(NO_TLSA_STS)) > 0, "the policy was never fetched");
    }

    @Test
    void tlsaWinsOverMtaSts() throws Exception {
        assertEquals("OK dane-only", ask(TLSA_STS));
        assertEquals("dane", sourceOf(TLSA_STS));
    }

    @Test
    void tlsaWinsOverTheList() throws Exception {
        assertEquals("OK dane-only", ask(TLSA_LISTED));
        assertEquals("dane", sourceOf(TLSA_LISTED));
    }

    @Test
    void tlsaWinsOverMtaStsAndTheListTogether() throws Exception {
        assertEquals("OK dane-only", ask(TLSA_STS_LISTED));
        assertEquals("dane", sourceOf(TLSA_STS_LISTED));
    }

    @Test
    void anUnsignedZoneIsAnsweredByMtaStsWhateverItsTlsaRecordsSay() throws Exception {
        assertEquals(secure(UNSIGNED_STS), ask(UNSIGNED_STS));
        assertEquals("mta-sts", sourceOf(UNSIGNED_STS));
    }

    @Test
    void anUnsignedZoneIsAnsweredByTheListWhateverItsTlsaRecordsSay() throws Exception {
        assertEquals(secure(UNSIGNED_LISTED), ask(UNSIGNED_LISTED));
        assertEquals("list", sourceOf(UNSIGNED_LISTED));
    }

    private static String secure(String domain) {
        return "OK secure match=" + mx(domain) + " servername=hostname";
    }
}
