package org.starttls.policyd.server.daemon;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * {@code policyctl reload} while reading the configuration takes long (a slow disk, a file on
 * NFS): the doors keep answering on every event loop, and the reload's reply comes when it is done.
 */
class AdminReloadOffEventLoopTest {
    /** More connections than event loops (twice the cores), so some share the admin connection's loop. */
    private static final int CONNECTIONS = 4 * Runtime.getRuntime().availableProcessors() + 4;

    @TempDir
    Path dir;
    private Policyd daemon;
    private final CountDownLatch reading = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void aSlowConfigurationReadStallsNoDoor() throws Exception {
        Instant signed = Instant.now().minusSeconds(600);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.example", "mx.listed.example")).writeTo(dir, "policy.json");
        DaemonSettings settings = DaemonSettings.from(LocalDaemon.config(dir, list), null);
        daemon = Policyd.start(settings, () -> {
            reading.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return settings;
        }, Clock.systemUTC());

        try (Socket admin = new Socket(InetAddress.getLoopbackAddress(), LocalDaemon.port(daemon, "admin"))) {
            admin.setSoTimeout(30_000);
            admin.getOutputStream().write("reload\n".getBytes(US_ASCII));
            assertTrue(reading.await(10, TimeUnit.SECONDS), "the reload started reading the configuration");

            List<SocketmapClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 3_000);
                    clients.add(client);
                    assertEquals("OK secure match=mx.listed.example servername=hostname", client.query("listed.example"),
                            "connection " + i + " answered while the reload waits");
                }
            } finally {
                for (SocketmapClient client : clients) {
                    client.close();
                }
            }

            release.countDown();
            String reply = new BufferedReader(new InputStreamReader(admin.getInputStream(), US_ASCII)).readLine();
            assertEquals("unchanged", new ObjectMapper().readTree(reply).path("config").asText(), reply);
        }
    }
}
