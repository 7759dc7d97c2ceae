package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

/**
 * What an admin following the README quick start sees: the default configuration (no list source,
 * so the expired embedded list; MTA-STS and DANE on; a resolver that does not validate, as on a
 * machine without a local unbound). Nothing there is less safe than the settings chosen, so
 * {@code /health} is 200 and explains, and only what the operator relies on being broken is 503.
 */
class FreshInstallHealthTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;
    private TestDnsServer dns;
    private Policyd daemon;

    @BeforeEach
    void startDns() throws Exception {
        dns = TestDnsServer.start(); // answers, but never with the AD bit: it does not validate
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        dns.close();
    }

    /** The defaults, but for loopback port 0 listeners, a private state directory and the test resolver. */
    private PolicydConfig defaults() {
        PolicydConfig config = new PolicydConfig();
        config.list.stateDir = dir.resolve("state").toString();
        config.socketmap.listen = "127.0.0.1:0";
        config.policyService.listen = "127.0.0.1:0";
        config.admin.listen = "127.0.0.1:0";
        config.metrics.listen = "127.0.0.1:0";
        config.dns.resolver = dns.resolverSetting();
        return config;
    }

    private void start(PolicydConfig config) throws Exception {
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());
    }

    private HttpResponse<String> health() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.metricsPort() + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String policyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return exit + "\n" + out + err;
    }

    @Test
    void theDefaultsAreHealthyAndExplainTheExpiredListAndTheMissingDane() throws Exception {
        start(defaults());

        HttpResponse<String> health = health();
        assertEquals(200, health.statusCode(), health.body());
        String body = health.body();
        assertTrue(body.startsWith("ok\n"), body);
        assertTrue(body.contains("\nwarning: the active list EXPIRED at 2020-06-03"), body);
        assertTrue(body.contains("\nwarning: no list source is configured (list.url or list.file) and the embedded list"
                + " adds nothing; MTA-STS protects every domain that publishes a policy\n"), body);
        assertTrue(body.contains("\nwarning: DANE does not apply: "), body);
        assertTrue(body.contains("run a validating resolver on loopback (e.g. unbound) and set dns.resolver"), body);

        String status = policyctl("status", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
        assertTrue(status.startsWith("0\n"), "healthy as /health says, so exit 0: " + status);
        assertTrue(status.contains("\nhealth:   ok\n"), status);
        assertTrue(status.contains("\nenforcing: MTA-STS wherever a domain publishes it; the list adds nothing"), status);
        assertTrue(status.contains("\nWARNING:  DANE does not apply: "), status);
        assertTrue(status.contains("set dns.resolver"), status);
    }

    @Test
    void withMtaStsOffTheExpiredListProtectsNothingAndIsUnhealthy() throws Exception {
        PolicydConfig config = defaults();
        config.mtaSts.enabled = false;
        start(config);

        HttpResponse<String> health = health();
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().startsWith("unhealthy\n") && health.body().contains("\nthe active list EXPIRED at "),
                health.body());
        assertTrue(health.body().contains("\nwarning: DANE does not apply: "), "DANE stays a warning: " + health.body());

        String status = policyctl("status", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
        assertTrue(status.startsWith("1\n"), "unhealthy as /health says, so exit 1: " + status);
        assertTrue(status.contains("\nhealth:   UNHEALTHY (/health answers 503; the reasons are below)\n"), status);
        assertTrue(status.contains("\nWARNING:  the active list EXPIRED at "), status);
    }
}
