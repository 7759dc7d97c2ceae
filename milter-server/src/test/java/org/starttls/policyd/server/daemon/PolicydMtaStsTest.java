package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
import org.starttls.policyd.fetcher.sts.StsResolver;
import org.starttls.policyd.fetcher.testworld.PolicyResponse;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.metrics.PrometheusText;
import org.starttls.policyd.server.testing.LineClient;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * The daemon with live MTA-STS over real socketmap connections, against a local DNS server and
 * HTTPS policy hosts with a test CA. {@code listed.test} is in the preload list; the other domains
 * are not.
 */
class PolicydMtaStsTest {
    private static final String LISTED_ANSWER = "OK secure match=mx.listed.test servername=hostname";

    @TempDir
    Path dir;
    private StsWorld world;
    private Policyd daemon;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeEach
    void startWorld() throws Exception {
        world = StsWorld.start();
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
        config.dns.timeoutMs = 10_000; // no test here waits it out (failures are SERVFAIL): a hang guard
        PolicydConfig.MapSection tlsrpt = new PolicydConfig.MapSection();
        tlsrpt.tlsrpt = true;
        PolicydConfig.MapSection early = new PolicydConfig.MapSection();
        early.testingDomains = "enforce";
        // The map whose first contact runs out of its wait: the policy is held until the test lets
        // it go, so the wait always ends first; it only has to outlast the TXT lookup, even on a
        // loaded machine.
        PolicydConfig.MapSection quick = new PolicydConfig.MapSection();
        quick.stsWaitSeconds = 5;
        config.socketmap.maps.put("tlsrpt", tlsrpt);
        config.socketmap.maps.put("early", early);
        config.socketmap.maps.put("quick", quick);
        // The map most tests ask: it waits for a first contact as long as Postfix would, so a busy
        // test machine cannot turn a slow first fetch into TEMP.
        PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
        patient.stsWaitSeconds = 90;
        config.socketmap.maps.put("patient", patient);
        return config;
    }

    private Policyd start(PolicydConfig config) throws Exception {
        DaemonSettings settings = DaemonSettings.from(config, null);
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort())
                .withDeadline(Duration.ofSeconds(30)); // no test here waits it out: a hang guard
        daemon = Policyd.start(settings, () -> settings, clock, UnaryOperator.identity(),
                s -> org.starttls.policyd.server.sts.StsNetwork.open(s, fetch));
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
    void enforceTestingAndNone() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx1.enforce.test", "*.enforce.test"));
        world.publish("testing.test", "1", StsWorld.policy("testing", 86400, "mx.testing.test"));
        world.publish("listed.test", "1", StsWorld.policy("none", 86400));
        start(config());

        assertEquals("OK secure match=mx1.enforce.test:.enforce.test servername=hostname", ask("enforce.test"));
        assertEquals("NOTFOUND ", ask("testing.test"));
        assertEquals("OK secure match=mx.testing.test servername=hostname", ask("early", "testing.test"));
        assertEquals("NOTFOUND ", ask("listed.test"), "the domain's own mode none decides over the list");
    }

    @Test
    void withoutATxtRecordTheListAnswers() throws Exception {
        start(config());
        assertEquals(LISTED_ANSWER, ask("listed.test"));
        assertEquals("NOTFOUND ", ask("nothing.test"));
    }

    @Test
    void aDnsFailureLeavesTheListedDomainProtectedAndOthersWithoutPolicy() throws Exception {
        world.publish("listed.test", "1", StsWorld.policy("enforce", 86400, "mx.other.test"));
        world.breakDns(StsWorld.recordName("listed.test"), TestDnsServer.Fault.SERVFAIL);
        world.publish("broken.test", "1", StsWorld.policy("enforce", 86400, "mx.broken.test"));
        world.breakDns(StsWorld.recordName("broken.test"), TestDnsServer.Fault.SERVFAIL);
        start(config());

        assertEquals(LISTED_ANSWER, ask("listed.test"), "a listed domain never gets NOTFOUND because MTA-STS failed");
        assertEquals("NOTFOUND ", ask("broken.test"), "RFC 8461: nothing cached, no policy to be had");
    }

    @Test
    void aPolicyHostWithABadCertificateIsNoPolicy() throws Exception {
        world.publish("badcert.test", "1", StsWorld.policy("enforce", 86400, "mx.badcert.test"));
        world.certificate("badcert.test", world.ca().expired(StsWorld.policyHost("badcert.test")));
        start(config());
        assertEquals("NOTFOUND ", ask("badcert.test"));
    }

    @Test
    void aSlowFirstContactPastTheWaitIsTempAndTheRetryIsAnsweredFromTheCache() throws Exception {
        String policy = StsWorld.policy("enforce", 86400, "mx.slow.test");
        world.publishRecord("slow.test", "v=STSv1; id=1;");
        CountDownLatch release = new CountDownLatch(1);
        world.serve("slow.test", PolicyResponse.policy(policy).heldUntil(release)); // slow until told
        start(config());

        String first = ask("quick", "slow.test");
        assertTrue(first.startsWith("TEMP the domain publishes MTA-STS"), first);

        release.countDown();
        String retry = awaitAnswer("quick", "slow.test", "OK ");
        assertEquals("OK secure match=mx.slow.test servername=hostname", retry);
        assertEquals(1, world.policyRequests("slow.test"), "one fetch served both");
    }

    @Test
    void repliesStayInOrderWhenASlowFirstContactPrecedesCachedAnswers() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
        world.publishRecord("slow.test", "v=STSv1; id=1;");
        world.serve("slow.test", PolicyResponse.policy(StsWorld.policy("enforce", 86400, "mx.slow.test"))
                .dripping(Duration.ofMillis(5)));
        start(config());
        assertTrue(ask("enforce.test").startsWith("OK "), "cached now");

        try (SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
            client.send("patient", "slow.test");
            client.send("starttls", "enforce.test");
            client.send("starttls", "listed.test");
            client.send("starttls", "nothing.test");
            assertEquals("OK secure match=mx.slow.test servername=hostname", client.receive());
            assertEquals("OK secure match=mx.enforce.test servername=hostname", client.receive());
            assertEquals(LISTED_ANSWER, client.receive());
            assertEquals("NOTFOUND ", client.receive());
        }
    }

    @Test
    void tlsrptAttributesOnlyOnTheMapThatOptsIn() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "*.enforce.test"));
        start(config());
        assertEquals("OK secure match=.enforce.test servername=hostname", ask("enforce.test"));

        assertEquals("OK secure match=.enforce.test servername=hostname policy_type=sts policy_domain=enforce.test"
                + " mx_host_pattern=*.enforce.test { policy_string = version: STSv1 } { policy_string = mode: enforce }"
                + " { policy_string = mx: *.enforce.test } { policy_string = max_age: 86400 }", ask("tlsrpt", "enforce.test"));
        assertEquals("OK secure match=.enforce.test servername=hostname", ask("enforce.test"));
        assertEquals("OK secure match=.enforce.test servername=hostname", ask("sts", "enforce.test"));
    }

    @Test
    void aCachedPolicySurvivesAnOutage() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
        PolicydConfig config = config();
        config.mtaSts.txtRecheckSeconds = 1;
        start(config);
        assertEquals("OK secure match=mx.enforce.test servername=hostname", ask("enforce.test"));

        world.breakDns(StsWorld.recordName("enforce.test"), TestDnsServer.Fault.SERVFAIL);
        world.serve("enforce.test", PolicyResponse.status(500));
        clock.advance(Duration.ofHours(1));

        for (int i = 0; i < 3; i++) {
            assertEquals("OK secure match=mx.enforce.test servername=hostname", ask("enforce.test"));
        }
    }

    @Test
    void aRestartKeepsTheCache() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
        PolicydConfig config = config();
        start(config);
        assertEquals("OK secure match=mx.enforce.test servername=hostname", ask("enforce.test"));
        daemon.close();
        daemon = null;
        assertTrue(Files.exists(dir.resolve("state").resolve(StsResolver.CACHE_FILE_NAME)));

        world.unpublish("enforce.test");
        world.breakDns(StsWorld.recordName("enforce.test"), TestDnsServer.Fault.SERVFAIL);
        start(config);
        assertEquals("OK secure match=mx.enforce.test servername=hostname", ask("enforce.test"));
        assertEquals(1, world.policyRequests("enforce.test"), "answered from the cache file, not fetched again");
    }

    @Test
    void thePolicyDoorTagsByTheSameDecisionAndMetricsCountTheSource() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
        PolicydConfig config = config();
        config.policyService.prependHeader = "X-STARTTLS-Policy";
        start(config);
        assertEquals("OK secure match=mx.enforce.test servername=hostname", ask("enforce.test"));

        String expected = "action=PREPEND X-STARTTLS-Policy: enforce.test=enforce(match=mx.enforce.test)\n\n";
        try (LineClient postfix = new LineClient(LocalDaemon.port(daemon, "policy"))) {
            postfix.send("request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=user@enforce.test\n\n");
            assertEquals(expected, postfix.read(expected.length()));
        }
        assertEquals("NOTFOUND ", ask("nothing.test"));

        String metrics = PrometheusText.render(daemon.meters(), daemon.snapshot());
        assertTrue(metrics.contains("policyd_answers_by_source_total{door=\"socketmap\",source=\"mta-sts\"} 1"), metrics);
        assertTrue(metrics.contains("policyd_answers_by_source_total{door=\"socketmap\",source=\"none\"} 1"), metrics);
        assertTrue(metrics.contains("policyd_answers_by_source_total{door=\"policy\",source=\"mta-sts\"} 1"), metrics);
        assertTrue(metrics.contains("policyd_mta_sts_cache_entries 1"), metrics);
        assertTrue(metrics.contains("policyd_mta_sts_cache_hits_total 1"), metrics);
    }

    @Test
    void policyctlLookupAsksTheRunningDaemonAndExplainsTheCache() throws Exception {
        world.publish("enforce.test", "20240101", StsWorld.policy("enforce", 86400, "mx.enforce.test", "*.enforce.test"));
        start(config());
        assertTrue(ask("enforce.test").startsWith("OK "));
        assertEquals(LISTED_ANSWER, ask("listed.test"));
        clock.advance(Duration.ofSeconds(30));

        String admin = "127.0.0.1:" + LocalDaemon.port(daemon, "admin");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(clock, new PrintWriter(out, true), new PrintWriter(err, true),
                "lookup", "--json", "--admin", admin, "ENFORCE.test.", "listed.test");
        assertEquals(0, exit, err.toString());
        String[] lines = out.toString().split("\n");
        JsonNode sts = new ObjectMapper().readTree(lines[0]);
        assertEquals("enforce.test", sts.path("domain").asText());
        assertEquals("mta-sts", sts.path("source").asText());
        assertEquals("OK secure match=mx.enforce.test:.enforce.test servername=hostname", sts.path("socketmap_answer").asText());
        assertEquals("cached", sts.path("mta_sts").path("state").asText());
        assertEquals("20240101", sts.path("mta_sts").path("record_id").asText());
        assertEquals("enforce", sts.path("mta_sts").path("policy_mode").asText());
        assertEquals(86400, sts.path("mta_sts").path("max_age_seconds").asLong());
        assertEquals("[\"mx.enforce.test\",\"*.enforce.test\"]", sts.path("mta_sts").path("policy_mx").toString());
        assertEquals(30, sts.path("mta_sts").path("age_seconds").asLong());
        assertTrue(sts.path("answered_by").asText().contains(admin), sts.toString());

        JsonNode listed = new ObjectMapper().readTree(lines[1]);
        assertEquals("list", listed.path("source").asText());
        assertEquals(LISTED_ANSWER, listed.path("socketmap_answer").asText());
        assertEquals("no-record", listed.path("mta_sts").path("state").asText());
        assertTrue(listed.path("mta_sts").path("unusable_because").asText().contains("no-record"), listed.toString());

        StringWriter text = new StringWriter();
        PolicyCtl.run(clock, new PrintWriter(text, true), new PrintWriter(new StringWriter(), true),
                "lookup", "--admin", admin, "enforce.test");
        assertTrue(text.toString().contains("mta-sts:     cached policy, record id 20240101, mode enforce, max_age 86400 s"),
                text.toString());
        assertTrue(text.toString().contains("decided by:  mta-sts"), text.toString());
    }

    @Test
    void policyctlLookupsAreNotCountedAsCacheHitsOrMisses() throws Exception {
        world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
        start(config());
        assertTrue(ask("enforce.test").startsWith("OK "), "the door's miss, then the fetch");
        assertTrue(ask("enforce.test").startsWith("OK "), "the door's hit");
        long hits = daemon.meters().sts().hits();
        long misses = daemon.meters().sts().misses();
        assertEquals(1, hits);
        assertEquals(1, misses);

        String admin = "127.0.0.1:" + LocalDaemon.port(daemon, "admin");
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(clock, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "lookup", "--json", "--admin", admin, "enforce.test", "other.test");
        assertEquals(0, exit, err.toString());

        assertEquals(hits, daemon.meters().sts().hits(), "an operator's lookup of a cached domain is not a hit");
        assertEquals(misses, daemon.meters().sts().misses(), "nor one of an uncached domain a miss");
        assertTrue(ask("enforce.test").startsWith("OK "));
        assertEquals(hits + 1, daemon.meters().sts().hits(), "the doors still count");
    }

    /** Asks until the reply starts with {@code prefix}; the resolution runs on its own, so this waits for it, bounded. */
    private String awaitAnswer(String map, String domain, String prefix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a hang guard
        String reply = ask(map, domain);
        while (!reply.startsWith(prefix) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            reply = ask(map, domain);
        }
        return reply;
    }
}
