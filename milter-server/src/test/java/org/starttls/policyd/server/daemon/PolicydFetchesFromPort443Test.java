package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * The daemon started as {@code policyd} starts it, with no test's fetch settings: it fetches
 * policies from port 443 (the other MTA-STS tests hand it their world's port in code). The world
 * binds 127.0.0.1:443, so this runs as root (as CI does) and is skipped where that port cannot be
 * had.
 */
class PolicydFetchesFromPort443Test {
    @TempDir
    Path dir;

    @Test
    void theDaemonFetchesPoliciesFromPort443() throws Exception {
        try (StsWorld world = worldOnPort443()) {
            world.publish("enforce.test", "1", StsWorld.policy("enforce", 86400, "mx.enforce.test"));
            Instant signed = Instant.now().minusSeconds(60);
            Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                    Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
            PolicydConfig config = LocalDaemon.config(dir, list);
            config.mtaSts.enabled = true;
            config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("test-ca.pem")).toString();
            config.dns.resolver = world.resolverSetting();
            PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
            patient.stsWaitSeconds = 90; // a busy machine must not turn the first fetch into TEMP
            config.socketmap.maps.put("patient", patient);
            DaemonSettings settings = DaemonSettings.from(config, null);

            try (Policyd daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(), UnaryOperator.identity());
                    SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
                assertEquals("OK secure match=mx.enforce.test servername=hostname",
                        client.query("patient", "enforce.test"));
            }
            assertEquals(1, world.policyRequests("enforce.test"));
        }
    }

    private static StsWorld worldOnPort443() throws IOException {
        try {
            return StsWorld.start(443);
        } catch (SocketException e) {
            assumeTrue(false, "127.0.0.1:443 cannot be bound here (not root, or in use): " + e.getMessage());
            throw e;
        }
    }
}
