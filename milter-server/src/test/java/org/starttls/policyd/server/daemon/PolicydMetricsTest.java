package org.starttls.policyd.server.daemon;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

/** The daemon's counters, seen through policyctl status and the loopback /metrics and /health endpoint. */
class PolicydMetricsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private PolicydConfig config(Duration validFor) throws Exception {
        Instant signed = Instant.now().minusSeconds(120);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(validFor),
                Map.of("listed.example", "mx.listed.example")).writeTo(dir, "policy.json");
        return LocalDaemon.config(dir, list);
    }

    private void start(PolicydConfig config) throws Exception {
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());
    }

    private String policy(String recipient) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", LocalDaemon.port(daemon, "policy"))) {
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

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.metricsPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), series + " not in:\n" + metrics);
        return (long) Double.parseDouble(m.group(1));
    }

    private String policyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return exit + "\n" + out + err;
    }

    @Test
    void answersMoveTheCountersInStatusAndMetrics() throws Exception {
        start(config(Duration.ofDays(14)));
        String before = get("/metrics").body();
        assertTrue(!before.contains("policyd_answers_total{door=\"socketmap\""), "no answer counted yet:\n" + before);

        assertEquals("OK secure match=mx.listed.example servername=hostname", LocalDaemon.socketmap(daemon, "listed.example"));
        assertEquals("OK secure match=mx.listed.example servername=hostname", LocalDaemon.socketmap(daemon, "listed.example"));
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "other.example"));
        assertEquals("action=DUNNO", policy("user@listed.example"));

        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String metrics = response.body();
        assertEquals(2, sample(metrics, "policyd_answers_total{door=\"socketmap\",answer=\"OK\"}"));
        assertEquals(1, sample(metrics, "policyd_answers_total{door=\"socketmap\",answer=\"NOTFOUND\"}"));
        assertEquals(1, sample(metrics, "policyd_answers_total{door=\"policy\",answer=\"DUNNO\"}"));
        assertEquals(3, sample(metrics, "policyd_answer_duration_seconds_count{door=\"socketmap\"}"));
        assertEquals(3, sample(metrics, "policyd_answer_duration_seconds_bucket{door=\"socketmap\",le=\"+Inf\"}"));
        long age = sample(metrics, "policyd_list_age_seconds");
        assertTrue(age >= 120 && age < 3600, "age " + age);
        long toExpiry = sample(metrics, "policyd_list_expiry_seconds");
        assertTrue(toExpiry > Duration.ofDays(13).toSeconds() && toExpiry <= Duration.ofDays(14).toSeconds(), "" + toExpiry);
        assertEquals(0, sample(metrics, "policyd_list_update_failures_total"));
        assertEquals(1, sample(metrics, "policyd_door_up{door=\"socketmap\"}"));
        assertEquals(1, sample(metrics, "policyd_healthy"));

        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok\n", health.body());
        assertEquals(404, get("/metrics/other").statusCode());

        String admin = "127.0.0.1:" + LocalDaemon.port(daemon, "admin");
        JsonNode status = new ObjectMapper().readTree(policyctl("status", "--json", "--admin", admin).split("\n", 2)[1]);
        assertEquals(2, status.path("answers").path("socketmap").path("OK").asLong(), status.toString());
        assertEquals(1, status.path("answers").path("socketmap").path("NOTFOUND").asLong());
        assertEquals(1, status.path("answers").path("policy").path("DUNNO").asLong());
        assertEquals(daemon.metricsPort(), status.path("metrics").path("port").asInt());
        String text = policyctl("status", "--admin", admin);
        assertTrue(text.startsWith("0\n") && text.contains("answers:  socketmap, NOTFOUND 1, OK 2"), text);
    }

    @Test
    void aRefusedUpdateCountsAndAListCloseToExpiryMakesHealth503WithTheReason() throws Exception {
        start(config(Duration.ofDays(1)));
        HttpResponse<String> health = get("/health");
        assertEquals(503, health.statusCode());
        assertTrue(health.body().startsWith("unhealthy\n") && health.body().contains("expires at"), health.body());

        Files.write(dir.resolve("policy.json"), "{ not a list".getBytes(US_ASCII));
        daemon.reloadAll().get();
        String metrics = get("/metrics").body();
        assertEquals(1, sample(metrics, "policyd_list_update_failures_total"));
        assertEquals(1, sample(metrics, "policyd_list_update_failures_consecutive"));
        assertEquals(0, sample(metrics, "policyd_healthy"));
        assertEquals("OK secure match=mx.listed.example servername=hostname", LocalDaemon.socketmap(daemon, "listed.example"),
                "the good list is kept");
    }

    @Test
    void aTakenMetricsPortIsReportedAndTheDoorsStillAnswer() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            PolicydConfig config = config(Duration.ofDays(14));
            config.metrics.listen = "127.0.0.1:" + taken.getLocalPort();
            start(config);

            assertEquals(-1, daemon.metricsPort());
            assertEquals("OK secure match=mx.listed.example servername=hostname", LocalDaemon.socketmap(daemon, "listed.example"));
            String text = policyctl("status", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
            assertTrue(text.contains("WARNING:  metrics endpoint: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    text);
            assertTrue(text.contains("answers:  policy, none yet\n"), text); // a door no one asked yet
        }
    }
}
