package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * Local overrides against DANE, over real socketmap connections to the daemon, in the DNSSEC world
 * (NSD with zones signed now, behind a validating unbound): every zone publishes usable TLSA for
 * all its MX hosts, so without an override each answers {@code OK dane-only}.
 */
class PolicydDaneOverridesTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";

    private static DnssecWorld world;

    @TempDir
    Path dir;
    private Policyd daemon;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private static TestZone daneZone(String domain) {
        return TestZone.signed(domain).mx(10, "mx." + domain).a("mx." + domain, "127.0.0.1")
                .smtpTlsa("mx." + domain, 3, 1, 1, EE_KEY);
    }

    @BeforeAll
    static void startWorld() {
        world = DnssecWorld.builder().zone(daneZone("plain.test")).zone(daneZone("exempt.test"))
                .zone(daneZone("pinned.test")).start();
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

    private void start() throws Exception {
        Instant signed = clock.instant().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
        Path overrides = dir.resolve("overrides.yaml");
        Files.writeString(overrides, """
                exempt.test:
                  policy: none
                  reason: "their TLSA records are stale, ticket 99"
                pinned.test:
                  policy: secure
                  match: [mx.pinned.test]
                  reason: "WebPKI instead"
                """);
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.dane.enabled = true;
        config.dns.resolver = world.validatingResolver().getAddress().getHostAddress() + ":"
                + world.validatingResolver().getPort();
        config.dns.timeoutMs = 5_000;
        config.overrides.file = overrides.toString();
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 60;
        config.socketmap.maps.put("patient", patient);
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, clock, UnaryOperator.identity());
    }

    private String ask(String domain) throws Exception {
        try (SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
            return client.query("patient", domain);
        }
    }

    @Test
    void anOverrideBeatsDaneAndLookupWarnsThatItIsWeaker() throws Exception {
        start();

        assertEquals("OK dane-only", ask("plain.test"), "the world's DANE without an override");
        assertEquals("NOTFOUND ", ask("exempt.test"));
        assertEquals("OK secure match=mx.pinned.test servername=hostname", ask("pinned.test"));
        assertEquals(1, daemon.status().get("dane").get("cached_domains").asInt(),
                "only the domain without an override was looked up");

        JsonNode exempt = daemon.lookup("exempt.test", "patient").join();
        assertEquals("override", exempt.get("source").asText(), exempt.toString());
        assertEquals("OK dane-only", exempt.get("sources").get("socketmap_answer").asText(), exempt.toString());
        assertTrue(exempt.get("override_weaker").asBoolean());
        JsonNode pinned = daemon.lookup("pinned.test", "patient").join();
        assertTrue(pinned.get("override_weaker").asBoolean(), "secure replaces DANE verification: " + pinned);
        assertTrue(pinned.get("override_warning").asText().contains("dane would answer OK dane-only"), pinned.toString());
    }
}
