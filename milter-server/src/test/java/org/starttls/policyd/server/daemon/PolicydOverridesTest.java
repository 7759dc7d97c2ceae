package org.starttls.policyd.server.daemon;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.metrics.PrometheusText;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * Local overrides in the running daemon, over real socketmap and policy delegation connections,
 * against the MTA-STS world (local DNS and HTTPS policy hosts) and a preload list naming
 * {@code listed.test}: an override beats the list and MTA-STS and is answered without asking
 * them; reloads swap the overrides, and a refused file keeps the old ones.
 */
class PolicydOverridesTest {
    private static final String OVERRIDES = """
            listed.test:
              policy: none
              reason: "their MX certificate expired, ticket 17"
            enforce.test:
              policy: none
              reason: "MTA-STS policy names the wrong MX"
            pinned.test:
              policy: secure
              match: [mx1.pinned.test, .pinned.test]
              reason: "pinned by hand"
            .sub.test:
              policy: encrypt
              reason: "private CA"
            strict.test:
              policy: dane-only
              reason: "their DANE is fine"
            soft.test:
              policy: dane
              reason: "DANE where they have it"
            """;

    @TempDir
    Path dir;
    private StsWorld world;
    private Policyd daemon;
    private Path overrides;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeEach
    void startWorld() throws Exception {
        world = StsWorld.start();
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
        world.publish("alsoenforce.test", "1", StsWorld.policy("enforce", 86400, "mx.alsoenforce.test"));
        overrides = dir.resolve("overrides.yaml");
        Files.writeString(overrides, OVERRIDES);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        world.close();
    }

    private PolicydConfig config() throws Exception {
        Instant signed = clock.instant().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.mtaSts.enabled = true;
        config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("test-ca.pem")).toString();
        config.dns.resolver = world.resolverSetting();
        config.dns.timeoutMs = 2_000;
        config.overrides.file = overrides.toString();
        config.policyService.prependHeader = "X-STARTTLS-Policy";
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 90;
        config.socketmap.maps.put("patient", patient);
        return config;
    }

    /** A daemon that re-reads {@code config} (and so the overrides file) on every reload. */
    private Policyd start(PolicydConfig config) throws Exception {
        Supplier<DaemonSettings> reread = () -> {
            try {
                return DaemonSettings.from(config, null);
            } catch (ConfigException e) {
                throw new Policyd.ConfigReloadException(e);
            }
        };
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort()).withDeadline(Duration.ofSeconds(10));
        daemon = Policyd.start(reread.get(), reread, clock, UnaryOperator.identity(), s -> StsNetwork.open(s, fetch));
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

    private String policy(String recipient) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", LocalDaemon.port(daemon, "policy"))) {
            socket.setSoTimeout(120_000);
            socket.getOutputStream().write(("request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" + recipient
                    + "\n\n").getBytes(US_ASCII));
            StringBuilder reply = new StringBuilder();
            InputStream in = socket.getInputStream();
            while (!reply.toString().endsWith("\n\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                reply.append((char) b);
            }
            return reply.toString().strip();
        }
    }

    private String policyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PolicyCtl.run(clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return out + err.toString();
    }

    private String metrics() {
        return PrometheusText.render(daemon.meters(), daemon.snapshot());
    }

    @Test
    void overridesBeatTheListAndMtaStsOnTheSocketmapDoorWithoutAskingThem() throws Exception {
        start(config());

        assertEquals("NOTFOUND ", ask("listed.test"), "none beats the list");
        assertEquals("NOTFOUND ", ask("enforce.test"), "none beats MTA-STS enforce");
        assertEquals(0, world.recordQueries("enforce.test"), "an overridden domain is not looked up");
        assertEquals("OK secure match=mx.alsoenforce.test servername=hostname", ask("alsoenforce.test"),
                "the same kind of domain without an override");
        assertEquals("OK secure match=mx1.pinned.test:.pinned.test servername=hostname", ask("pinned.test"));
        assertEquals("OK encrypt", ask("a.sub.test"));
        assertEquals("OK encrypt", ask("b.a.sub.test"), "a parent covers any depth");
        assertEquals("NOTFOUND ", ask("sub.test"), "but not the parent itself");
        assertEquals("OK dane-only", ask("strict.test"));
        assertEquals("OK dane", ask("soft.test"));
        assertEquals("OK secure match=mx1.pinned.test:.pinned.test servername=hostname", ask("default", "pinned.test"));

        String metrics = metrics();
        assertTrue(metrics.contains("policyd_answers_by_source_total{door=\"socketmap\",source=\"override\"} 8"), metrics);
        assertTrue(metrics.contains("policyd_overrides 6"), metrics);
        assertTrue(metrics.contains("policyd_overrides_expiring 0"), metrics);
    }

    @Test
    void sendmailsStsMapGetsOnlyFormsItTakes() throws Exception {
        start(config());

        assertEquals("OK secure match=mx1.pinned.test:.pinned.test servername=hostname", ask("sts", "pinned.test"));
        assertEquals("NOTFOUND ", ask("sts", "enforce.test"));
        assertEquals("NOTFOUND ", ask("sts", "soft.test"), "dane: as any domain on that map, which is never asked DANE");
        assertTrue(ask("sts", "strict.test").startsWith("TEMP the local override of strict.test (dane-only)"),
                "dane-only cannot be said to Sendmail: fail closed");
        assertTrue(ask("sts", "x.sub.test").startsWith("TEMP "), "nor encrypt");
    }

    @Test
    void thePolicyDoorHonoursOverrides() throws Exception {
        start(config());

        assertEquals("action=DUNNO", policy("user@listed.test"), "none: no tag for a listed domain");
        assertEquals("action=PREPEND X-STARTTLS-Policy: pinned.test=override-secure(match=mx1.pinned.test:.pinned.test)",
                policy("user@pinned.test"));
        assertEquals("action=PREPEND X-STARTTLS-Policy: x.sub.test=override-encrypt", policy("user@x.sub.test"));
        assertEquals("action=DUNNO", policy("user@enforce.test"));
        assertEquals(0, world.recordQueries("enforce.test"));
        assertTrue(metrics().contains("policyd_answers_by_source_total{door=\"policy\",source=\"override\"} 4"), metrics());
    }

    @Test
    void lookupSaysAnOverrideDecidedWhatTheSourcesSayAndWarnsWhenItIsWeaker() throws Exception {
        start(config());
        JsonNode report = daemon.lookup("enforce.test", "patient").join();

        assertEquals("override", report.get("source").asText(), report.toString());
        assertEquals("NOTFOUND ", report.get("socketmap_answer").asText());
        assertEquals("none", report.get("override").get("policy").asText());
        assertEquals("MTA-STS policy names the wrong MX", report.get("override").get("reason").asText());
        assertEquals(4, report.get("override").get("line").asInt());
        assertEquals("mta-sts", report.get("sources").get("source").asText());
        assertEquals("OK secure match=mx.enforce.test servername=hostname", report.get("sources").get("socketmap_answer").asText());
        assertTrue(report.get("override_weaker").asBoolean());

        JsonNode pinned = daemon.lookup("pinned.test", "patient").join();
        assertFalse(pinned.get("override_weaker").asBoolean(), pinned.toString());
        assertEquals("none", pinned.get("sources").get("source").asText());

        String admin = "127.0.0.1:" + LocalDaemon.port(daemon, "admin");
        String text = policyctl("lookup", "--admin", admin, "enforce.test");
        assertTrue(text.contains("decided by:  override"), text);
        assertTrue(text.contains("override:    enforce.test none (line 4) because \"MTA-STS policy names the wrong MX\", "
                + "no expiry"), text);
        assertTrue(text.contains("without it:  OK secure match=mx.enforce.test servername=hostname by mta-sts"), text);
        assertTrue(text.contains("WARNING:     the override (none) is weaker than what the sources say for enforce.test"),
                text);
        String status = policyctl("status", "--admin", admin);
        assertTrue(status.contains("overrides: 6"), status);
        JsonNode json = LocalDaemon.admin(daemon, "status");
        assertEquals(6, json.get("overrides").get("count").asInt(), json.toString());
    }

    @Test
    void reloadSwapsTheOverridesAndARefusedFileKeepsTheRunningOnes() throws Exception {
        start(config());
        assertEquals("NOTFOUND ", ask("listed.test"));

        Files.writeString(overrides, """
                other.test:
                  policy: secure
                  match: [mx.other.test]
                  reason: "new partner"
                """);
        ReloadOutcome applied = daemon.reloadAll().join();
        assertEquals(ReloadOutcome.Config.APPLIED, applied.config(), String.valueOf(applied.configError()));
        assertEquals("OK secure match=mx.listed.test servername=hostname", ask("listed.test"), "its override is gone");
        assertEquals("OK secure match=mx.other.test servername=hostname", ask("other.test"));

        Files.writeString(overrides, """
                other.test:
                  policy: sekure
                  reason: "a typo"
                """);
        JsonNode refused = LocalDaemon.admin(daemon, "reload");
        assertFalse(refused.get("reloaded").asBoolean(), refused.toString());
        assertTrue(refused.get("config_error").asText().contains(overrides + ": line 2: other.test.policy: \"sekure\""),
                refused.toString());
        assertEquals("OK secure match=mx.other.test servername=hostname", ask("other.test"), "the running overrides stay");
        assertEquals(1, daemon.snapshot().overrides());
    }

    @Test
    void anOverrideStopsApplyingAfterItsDayAndIsCountedAsExpiringBefore() throws Exception {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Files.writeString(overrides, """
                listed.test:
                  policy: none
                  reason: "until they renew"
                  expires: %s
                """.formatted(today));
        start(config());
        assertEquals("NOTFOUND ", ask("listed.test"));
        assertTrue(metrics().contains("policyd_overrides_expiring 1"), metrics());
        assertTrue(policyctl("status", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"))
                .contains("stops applying after " + today), "status warns");

        clock.advance(Duration.ofDays(1));
        assertEquals("OK secure match=mx.listed.test servername=hostname", ask("listed.test"), "expired: the list again");
        assertEquals("action=PREPEND X-STARTTLS-Policy: listed.test=enforce(match=mx.listed.test)",
                policy("user@listed.test"));
    }
}
