package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.PolicyResponse;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * What {@code sts publish} writes and prints, served exactly so (the file as the policy, the
 * printed TXT records in DNS), passes {@code sts publish --check}, and a running policyd fetches
 * that policy with its own MTA-STS resolver and enforces its patterns: testing first (advised),
 * then enforce.
 */
class StsPublishEndToEndTest {
    private static final String DOMAIN = "published.test";
    private static final Pattern RECORD = Pattern.compile("^(_mta-sts|_smtp\\._tls)\\." + Pattern.quote(DOMAIN)
            + "\\. IN TXT \"([^\"]*)\"$", Pattern.MULTILINE);

    @TempDir
    Path dir;
    private StsWorld world;
    private Path trustStore;
    private Policyd daemon;

    @BeforeEach
    void startWorld() throws Exception {
        world = StsWorld.start();
        trustStore = world.writeTrustPem(dir.resolve("test-ca.pem"));
        world.dns().mx(DOMAIN, 10, "mx." + DOMAIN);
        world.dns().mx(DOMAIN, 20, "b1.backup." + DOMAIN);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        world.close();
    }

    private record Run(int exit, String out) {
    }

    private Run policyctl(Instant now, String... args) {
        StringWriter out = new StringWriter();
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort());
        int exit = PolicyCtl.run(PolicyCtl.commandLine(Clock.fixed(now, ZoneOffset.UTC), dir.resolve("no-policyd.yaml"),
                fetch), new PrintWriter(out), new PrintWriter(out), args);
        return new Run(exit, out.toString());
    }

    /** Runs sts publish, then serves what it wrote and printed; returns the _mta-sts record it printed. */
    private String publishAndServe(Instant now, String mode) throws Exception {
        Path file = dir.resolve("mta-sts-" + mode + ".txt");
        Run publish = policyctl(now, "sts", "publish", "--domain", DOMAIN, "--mx", "mx." + DOMAIN,
                "*.backup." + DOMAIN, "--mode", mode, "--output", file.toString());
        assertEquals(ExitCodes.OK, publish.exit(), publish.out());
        Matcher records = RECORD.matcher(publish.out());
        String sts = null;
        String tlsRpt = null;
        while (records.find()) {
            if (records.group(1).equals("_mta-sts")) {
                sts = records.group(2);
            } else {
                tlsRpt = records.group(2);
            }
        }
        assertTrue(sts != null && tlsRpt != null, publish.out());
        world.publishRecord(DOMAIN, sts);
        world.dns().remove("_smtp._tls." + DOMAIN);
        world.dns().txt("_smtp._tls." + DOMAIN, tlsRpt);
        world.serve(DOMAIN, PolicyResponse.policy(Files.readString(file)));
        return sts;
    }

    private JsonNode check(Instant now, int expectedExit) throws Exception {
        Run run = policyctl(now, "sts", "publish", "--check", "--domain", DOMAIN, "--mx", "mx." + DOMAIN,
                "*.backup." + DOMAIN, "--resolver", world.resolverSetting(), "--trust-store", trustStore.toString(),
                "--json");
        assertEquals(expectedExit, run.exit(), run.out());
        return new ObjectMapper().readTree(run.out());
    }

    private static String status(JsonNode report, String check) {
        for (JsonNode finding : report.get("checks")) {
            if (finding.get("check").asText().equals(check)) {
                return finding.get("status").asText();
            }
        }
        throw new AssertionError("no " + check + " in " + report);
    }

    @Test
    void aPublishedPolicyPassesTheCheckAndPolicydEnforcesIt() throws Exception {
        Instant first = Instant.parse("2026-12-02T06:00:00Z");
        String testingRecord = publishAndServe(first, "testing");
        JsonNode testing = check(first, ExitCodes.DOCTOR_WARNINGS);
        assertEquals("warn", status(testing, "policy_mode"), "testing first, enforce advised: " + testing);
        testing.get("checks").forEach(finding -> assertTrue(finding.get("check").asText().equals("policy_mode")
                || finding.get("status").asText().equals("pass"), testing.toString()));

        Instant later = first.plusSeconds(1);
        String enforceRecord = publishAndServe(later, "enforce");
        assertNotEquals(testingRecord, enforceRecord, "a new id for the new file");
        JsonNode enforce = check(later, ExitCodes.OK);
        enforce.get("checks").forEach(finding -> assertEquals("pass", finding.get("status").asText(), enforce.toString()));

        startPolicyd();
        try (SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
            assertEquals("OK secure match=mx." + DOMAIN + ":.backup." + DOMAIN + " servername=hostname",
                    client.query("patient", DOMAIN));
        }
        assertEquals(3, world.policyRequests(DOMAIN), "two checks and policyd's own fetch");
    }

    private void startPolicyd() throws Exception {
        Instant signed = Instant.now().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.mtaSts.enabled = true;
        config.mtaSts.trustStore = trustStore.toString();
        config.dns.resolver = world.resolverSetting();
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 90; // a busy machine must not turn the first fetch into TEMP
        config.socketmap.maps.put("patient", patient);
        DaemonSettings settings = DaemonSettings.from(config, null);
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort());
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(), UnaryOperator.identity(),
                s -> StsNetwork.open(s, fetch));
    }
}
