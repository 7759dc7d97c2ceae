package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.fetcher.dane.DaneResolver;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.metrics.Health;
import org.starttls.policyd.server.metrics.PrometheusText;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * The daemon with DANE over real socketmap connections, against the DNSSEC world (NSD with zones
 * signed now, behind a validating unbound). {@code listed.test} and {@code tlsalisted.test} are in
 * the preload list.
 */
class PolicydDaneTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    private static final String PKIX_EE = "4f3b0b4e2a5d48a6b1a2e0c5a7f1e6f2c3b4a5d6e7f8091a2b3c4d5e6f708192";

    private static DnssecWorld world;

    @TempDir
    Path dir;
    private Policyd daemon;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void startWorld() {
        world = DnssecWorld.builder()
                .zone(TestZone.signed("all.test").mx(10, "mx1.all.test").mx(20, "mx2.all.test")
                        .a("mx1.all.test", "127.0.0.1").a("mx2.all.test", "127.0.0.1")
                        .smtpTlsa("mx1.all.test", 3, 1, 1, EE_KEY).smtpTlsa("mx2.all.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("partial.test").mx(10, "mx1.partial.test").mx(20, "mx2.partial.test")
                        .a("mx1.partial.test", "127.0.0.1").a("mx2.partial.test", "127.0.0.1")
                        .smtpTlsa("mx1.partial.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("unusable.test").mx(10, "mx.unusable.test").a("mx.unusable.test", "127.0.0.1")
                        .smtpTlsa("mx.unusable.test", 1, 1, 1, PKIX_EE))
                .zone(TestZone.signed("notlsa.test").mx(10, "mx.notlsa.test").a("mx.notlsa.test", "127.0.0.1"))
                .zone(TestZone.signed("listed.test").mx(10, "mx.listed.test").a("mx.listed.test", "127.0.0.1"))
                .zone(TestZone.signed("tlsalisted.test").mx(10, "mx.tlsalisted.test")
                        .a("mx.tlsalisted.test", "127.0.0.1").smtpTlsa("mx.tlsalisted.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("bogusmx.test").mx(10, "mx.bogusmx.test").a("mx.bogusmx.test", "127.0.0.1")
                        .smtpTlsa("mx.bogusmx.test", 3, 1, 1, EE_KEY).breakSignature("bogusmx.test", "MX"))
                .zone(TestZone.unsigned("unsigned.test").mx(10, "mx.unsigned.test").a("mx.unsigned.test", "127.0.0.1")
                        .smtpTlsa("mx.unsigned.test", 3, 1, 1, EE_KEY))
                .withNonValidatingResolver()
                .start();
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Policyd start(InetSocketAddress resolver) throws Exception {
        return start(resolver, 5_000);
    }

    private Policyd start(InetSocketAddress resolver, int dnsTimeoutMs) throws Exception {
        Instant signed = clock.instant().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test", "tlsalisted.test", "mx.tlsalisted.test")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.dane.enabled = true;
        config.dane.validationCheck = ".";
        config.dns.resolver = resolver.getAddress().getHostAddress() + ":" + resolver.getPort();
        config.dns.timeoutMs = dnsTimeoutMs;
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 60;
        config.socketmap.maps.put("patient", patient);
        PolicydConfig.MapSection sendmail = new PolicydConfig.MapSection();
        sendmail.stsWaitSeconds = 60;
        config.socketmap.maps.put("sts", sendmail);
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, clock, UnaryOperator.identity());
        return daemon;
    }

    private String ask(String map, String domain) throws Exception {
        try (SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
            return client.query(map, domain);
        }
    }

    private String ask(String domain) throws Exception {
        return ask("patient", domain);
    }

    @Test
    void answersEachCaseOfTheDnssecWorld() throws Exception {
        start(world.validatingResolver());

        assertEquals("OK dane-only", ask("all.test"), "every MX validated with usable TLSA");
        assertEquals("OK dane", ask("partial.test"), "one MX of two with TLSA");
        assertEquals("OK dane", ask("unusable.test"), "TLSA present but not usable: Postfix decides per MX");
        assertEquals("NOTFOUND ", ask("notlsa.test"), "signed without TLSA and not listed: no policy");
        assertEquals("OK secure match=mx.listed.test servername=hostname", ask("listed.test"),
                "signed without TLSA: the list decides");
        assertEquals("OK dane-only", ask("tlsalisted.test"), "DANE before the list");
        assertTrue(ask("bogusmx.test").startsWith("TEMP "), "a bogus MX RRset with nothing cached is TEMP");
        assertEquals("NOTFOUND ", ask("unsigned.test"), "an unsigned zone has no DANE");
        assertEquals("NOTFOUND ", ask("default", "unsigned.test"));

        String metrics = PrometheusText.render(daemon.meters(), daemon.snapshot());
        assertTrue(metrics.contains("policyd_answers_by_source_total{door=\"socketmap\",source=\"dane\"} 5"), metrics);
        assertTrue(metrics.contains("policyd_dane_lookup_failures_total 1"), metrics);
        assertTrue(metrics.contains("policyd_dane_resolver_not_validating 0"), metrics);
        assertTrue(Health.of(daemon.snapshot()).healthy(), Health.of(daemon.snapshot()).body());
    }

    @Test
    void sendmailsStsMapIsAnsweredAsWithoutDane() throws Exception {
        start(world.validatingResolver());

        assertEquals("OK secure match=mx.tlsalisted.test servername=hostname", ask("sts", "tlsalisted.test"));
        assertEquals("NOTFOUND ", ask("sts", "all.test"));
        assertEquals("OK dane-only", ask("all.test"));
    }

    @Test
    void aResolverThatDoesNotValidateNeverGivesDaneAndSaysSo() throws Exception {
        start(world.nonValidatingResolver());

        assertEquals("NOTFOUND ", ask("all.test"), "never dane-only from a resolver that does not validate");
        assertEquals("OK secure match=mx.tlsalisted.test servername=hostname", ask("tlsalisted.test"));
        JsonNode status = daemon.status().get("dane");
        assertTrue(status.get("enabled").asBoolean());
        assertFalse(status.get("validates").asBoolean());
        assertTrue(status.get("detail").asText().contains("does not validate"), status.toString());
        // No less safe than DANE off: /health stays 200 and carries the warning with how to get DANE.
        Health health = Health.of(daemon.snapshot());
        assertTrue(health.healthy(), health.body());
        assertTrue(health.reasons().isEmpty(), health.body());
        assertTrue(health.body().startsWith("ok\nwarning: DANE does not apply: "), health.body());
        assertTrue(health.body().contains("set dns.resolver"), health.body());
        assertTrue(PrometheusText.render(daemon.meters(), daemon.snapshot())
                .contains("policyd_dane_resolver_not_validating 1"));
    }

    @Test
    void aCachedAnswerLastsItsTtlAndNoLonger() throws Exception {
        start(world.validatingResolver());
        assertEquals("OK dane-only", ask("all.test"));
        JsonNode status = daemon.status().get("dane");
        assertTrue(status.get("validates").asBoolean(), status.toString());
        assertEquals(1, status.get("cached_domains").asInt());

        clock.advance(DaneResolver.MAX_TTL.plusSeconds(1));
        assertEquals("OK dane-only", ask("all.test"), "looked up again after expiry");
    }

    @Test
    void aRestartWithTheResolverDownAnswersFromTheCacheFile() throws Exception {
        start(world.validatingResolver());
        assertEquals("OK dane-only", ask("all.test"));
        daemon.close();
        daemon = null;
        assertTrue(Files.exists(dir.resolve("state").resolve(DaneResolver.CACHE_FILE_NAME)), "written at close");

        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            start((InetSocketAddress) silent.getLocalSocketAddress(), 500);
            assertEquals("OK dane-only", ask("all.test"), "the answer read back outlives the outage until its TTL");
            assertTrue(ask("partial.test").startsWith("TEMP "), "nothing cached and no resolver: TEMP");
            assertEquals(1, daemon.status().get("dane").get("cached_domains").asInt());
        }
    }

    /** A configuration file for policyctl naming the daemon's list, keyring, state directory and resolver. */
    private Path policyctlConfig(InetSocketAddress resolver) throws Exception {
        Path file = dir.resolve("policyctl.yaml");
        Files.writeString(file, String.join("\n",
                "list:",
                "  file: " + dir.resolve("policy.json"),
                "  keyring: " + dir.resolve("signer.asc"),
                "  state-dir: " + dir.resolve("state"),
                "dns:",
                "  resolver: \"" + resolver.getAddress().getHostAddress() + ":" + resolver.getPort() + "\"",
                "dane:",
                "  enabled: true",
                "mta-sts:",
                "  enabled: false",
                ""));
        return file;
    }

    private String policyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(0, exit, err.toString());
        return out.toString();
    }

    private static JsonNode withoutHow(JsonNode dane) {
        ObjectNode copy = dane.deepCopy();
        copy.remove("how");
        return copy;
    }

    @Test
    void policyctlLookupWithoutTheDaemonSaysWhatTheDaemonSaysWithTheSameDaneEvidence() throws Exception {
        start(world.validatingResolver());
        String admin = "127.0.0.1:" + LocalDaemon.port(daemon, "admin");
        String config = policyctlConfig(world.validatingResolver()).toString();
        ObjectMapper json = new ObjectMapper();
        for (String domain : List.of("all.test", "partial.test", "unusable.test", "notlsa.test", "listed.test",
                "tlsalisted.test")) {
            JsonNode fromDaemon = json.readTree(policyctl("lookup", "--json", "--admin", admin, "--map", "patient",
                    domain));
            JsonNode live = json.readTree(policyctl("lookup", "--json", "--config", config, "--live", "--map",
                    "patient", domain));
            assertEquals(fromDaemon.path("socketmap_answer"), live.path("socketmap_answer"), domain);
            assertEquals(fromDaemon.path("source"), live.path("source"), domain);
            assertTrue(fromDaemon.path("dane").isObject(), fromDaemon.toString());
            assertEquals(withoutHow(fromDaemon.path("dane")), withoutHow(live.path("dane")), domain);
            assertEquals("policyctl (DANE resolved live)", live.path("answered_by").asText());
        }

        String text = policyctl("lookup", "--config", config, "--live", "--map", "patient", "all.test");
        assertTrue(text.contains("  dane:        dane-only ("), text);
        assertTrue(text.contains("    MX RRset:  secure\n"), text);
        assertTrue(text.contains("    MX mx1.all.test: address secure, TLSA secure\n      TLSA 3 1 1 " + EE_KEY), text);
        assertTrue(text.contains("decided by:  dane"), text);
        String fromDaemon = policyctl("lookup", "--admin", admin, "--map", "patient", "partial.test");
        assertTrue(fromDaemon.contains("    MX mx2.partial.test: address secure, TLSA secure, no TLSA records"),
                fromDaemon);

        JsonNode noDane = json.readTree(policyctl("lookup", "--json", "--config", config, "--no-dane", "--map",
                "patient", "all.test"));
        assertEquals("NOTFOUND ", noDane.path("socketmap_answer").asText());
        assertTrue(noDane.path("dane").isMissingNode(), noDane.toString());
        assertEquals("policyctl (list only)", noDane.path("answered_by").asText());
    }

    @Test
    void policyctlLookupWithoutTheDaemonNeverGivesDaneFromAResolverThatDoesNotValidate() throws Exception {
        start(world.validatingResolver());
        String config = policyctlConfig(world.nonValidatingResolver()).toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, PolicyCtl.run(clock, new PrintWriter(out, true), new PrintWriter(err, true),
                "lookup", "--json", "--config", config, "--live", "all.test"));
        assertEquals("NOTFOUND ", new ObjectMapper().readTree(out.toString()).path("socketmap_answer").asText());
        assertTrue(err.toString().contains("NOTE: DANE does not apply: the resolver"), err.toString());
    }

    @Test
    void theAdminLookupShowsTheDaneEvidence() throws Exception {
        start(world.validatingResolver());
        JsonNode report = daemon.lookup("partial.test", "patient").join();
        JsonNode dane = report.get("dane");
        assertEquals("dane", dane.get("verdict").asText(), report.toString());
        assertEquals("secure", dane.get("mx_security").asText());
        assertEquals(2, dane.get("mx_hosts").size());
        assertEquals("mx1.partial.test", dane.get("mx_hosts").get(0).get("host").asText());
        assertEquals("3 1 1 " + EE_KEY, dane.get("mx_hosts").get(0).get("tlsa").get(0).asText());
        assertEquals(0, dane.get("mx_hosts").get(1).get("tlsa").size());
    }
}
