package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

/**
 * Start-up with an installed list that does not verify while a source is configured: the daemon
 * says so (an ERROR, /health 503, status), defers every lookup meanwhile instead of answering
 * from the expired embedded list, and answers from the source's list once it verifies.
 */
class StartupUnverifiedTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private TestLists.Signed list(Instant signedAt) {
        return TestLists.signed(TestKeys.primary(), signedAt, signedAt, signedAt.plus(Duration.ofDays(14)),
                Map.of("listed.example", "mx.listed.example"));
    }

    /** A daemon whose list file is missing and whose installed copy was edited by hand. */
    private PolicydConfig damagedStart() throws Exception {
        Instant signed = Instant.now().minusSeconds(600);
        TestLists.Signed pair = list(signed);
        PolicydConfig config = LocalDaemon.config(dir, dir.resolve("policy.json"));
        Path installed = new StateDirectory(Path.of(config.list.stateDir)).install(pair.list(), pair.signature())
                .generation().resolve(StateDirectory.LIST_FILE);
        Files.writeString(installed, Files.readString(installed).replace("mx.listed.example", "mx.attacker.example"));
        return config;
    }

    private HttpResponse<String> health() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.metricsPort() + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String statusText() {
        StringWriter out = new StringWriter();
        PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "status", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
        return out.toString();
    }

    @Test
    void aDamagedInstalledListDefersEveryLookupAndIsUnhealthyUntilTheSourceVerifies() throws Exception {
        PolicydConfig config = damagedStart();
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());

        String answer = LocalDaemon.socketmap(daemon, "listed.example");
        assertTrue(answer.startsWith("TEMP "), "deferred, never NOTFOUND: " + answer);
        assertTrue(LocalDaemon.socketmap(daemon, "unlisted.example").startsWith("TEMP "));
        HttpResponse<String> health = health();
        assertEquals(503, health.statusCode());
        assertTrue(health.body().contains("the installed list does not verify"), health.body());
        JsonNode status = LocalDaemon.admin(daemon, "status");
        assertEquals(0, status.path("enforcing").path("domains").asInt(), status.toString());
        assertTrue(status.path("enforcing").path("nothing_because").asText().startsWith("no verified list"),
                status.toString());
        assertTrue(status.path("list").path("source").isNull(), status.toString());
        assertTrue(statusText().startsWith("enforcing NOTHING (no verified list is active"), statusText());
        assertTrue(statusText().contains("\nlist:     none verified yet"), statusText());

        list(Instant.now().minusSeconds(60)).writeTo(dir, "policy.json");
        assertTrue(daemon.reloadAll().get(60, TimeUnit.SECONDS).list().succeeded());

        assertEquals("OK secure match=mx.listed.example servername=hostname", LocalDaemon.socketmap(daemon, "listed.example"));
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "unlisted.example"));
        assertEquals(200, health().statusCode(), health().body());
        assertTrue(statusText().startsWith("enforcing: 1 domain\n"), statusText());
    }

    @Test
    void withWhileUnverifiedEmbeddedDefaultTheEmbeddedListAnswersMeanwhileAndSaysSo() throws Exception {
        PolicydConfig config = damagedStart();
        config.list.whileUnverified = "embedded-default";
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());

        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "listed.example"));
        JsonNode status = LocalDaemon.admin(daemon, "status");
        assertTrue(status.path("list").path("embedded_default").asBoolean(), status.toString());
        assertTrue(status.path("enforcing").path("nothing_because").asText().contains("expired"), status.toString());
        String listLine = statusText().lines().filter(line -> line.startsWith("list:")).findFirst().orElseThrow();
        assertEquals(1, listLine.split("embedded default", -1).length - 1, listLine); // said once, not twice
        assertTrue(statusText().contains(" (1 connection)"), statusText()); // policyctl's own admin connection
        assertEquals(503, health().statusCode());
        assertFalse(health().body().contains("\n\n"), health().body());
    }
}
