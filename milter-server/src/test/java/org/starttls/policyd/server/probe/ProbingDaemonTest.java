package org.starttls.policyd.server.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.PolicyDoorClient;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.transport.RunningServer;

/**
 * The daemon with {@code probe: enabled} against the fake MXes: the policy delegation door defers
 * exactly the enforce-mode domain whose MX strips STARTTLS, and nothing else.
 */
class ProbingDaemonTest {
    @TempDir
    static Path dir;
    private static ProbeFixture world;
    private static Policyd daemon;

    @BeforeAll
    static void start() throws Exception {
        world = new ProbeFixture(dir);
        world.dns.mx("stripped.test", 10, ProbeFixture.PLAIN)
                .mx("secure.test", 10, ProbeFixture.GOOD)
                .mx("testing.stripped.test", 10, ProbeFixture.PLAIN)
                .mx("dark.test", 10, ProbeFixture.SILENT)
                .mx("forged.test", 10, ProbeFixture.OUTSIDE);
        var now = java.time.Instant.now();
        Path list = TestLists.signed(TestKeys.primary(), now.minusSeconds(60), now.minusSeconds(3600),
                now.plus(Duration.ofDays(7)), Map.of("stripped.test", ProbeFixture.PATTERN,
                        "secure.test", ProbeFixture.PATTERN, "testing.stripped.test", ProbeFixture.PATTERN,
                        "dark.test", ProbeFixture.PATTERN, "forged.test", ProbeFixture.PATTERN))
                .writeTo(dir, "policy.json");
        DaemonSettings settings = DaemonSettings.from(config(list), null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());
    }

    static PolicydConfig config(Path list) throws IOException {
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.admin.enabled = false;
        config.probe.enabled = true;
        config.probe.resolver = "127.0.0.1:" + world.dns.address().getPort();
        config.probe.port = world.settings().port();
        config.probe.trustStore = world.settings().trustStore().toString();
        config.probe.ehloName = "probe.client.test";
        config.probe.connectTimeoutSeconds = (int) ProbeFixture.COMMAND_TIMEOUT.toSeconds();
        config.probe.commandTimeoutSeconds = (int) ProbeFixture.COMMAND_TIMEOUT.toSeconds();
        config.probe.probeTimeoutSeconds = (int) ProbeFixture.PROBE_TIMEOUT.toSeconds();
        // A first RCPT waits for its probe: far longer than any probe takes on a loaded machine, so
        // the answer is the probe's, never the list's fallback at the end of the wait (hang guards,
        // below the request limit as the configuration demands).
        config.limits.requestTimeoutSeconds = 90;
        config.probe.waitMillis = 60_000;
        return config;
    }

    @AfterAll
    static void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
        world.close();
    }

    private static String ask(String recipient) throws IOException {
        int port = daemon.servers().stream().filter(s -> s.name().equals(PolicyServiceServer.NAME)).findFirst()
                .map(RunningServer::port).orElseThrow();
        return PolicyDoorClient.rcpt(port, recipient);
    }

    @Test
    void anEnforcedDomainWhoseMxStripsStarttlsIsDeferredNamingTheDomainAndTheFailure() throws IOException {
        String reply = ask("rcpt@stripped.test");

        assertTrue(reply.startsWith("action=DEFER_IF_PERMIT 4.7.5 stripped.test: "), reply);
        assertTrue(reply.contains(ProbeFixture.PLAIN + " starttls-not-supported"), reply);
    }

    @Test
    void anEnforcedDomainWithoutAnMxMatchingItsPolicyIsDeferred() throws IOException {
        String reply = ask("rcpt@forged.test");

        assertTrue(reply.startsWith("action=DEFER_IF_PERMIT 4.7.5 forged.test: no MX of forged.test matches"), reply);
    }

    @Test
    void aVerifiedDomainATestingDomainAnUnreachableOneAndAnUnlistedOnePass() throws IOException {
        assertEquals("action=DUNNO", ask("rcpt@secure.test"));
        assertEquals("action=DUNNO", ask("rcpt@testing.stripped.test"));
        assertEquals("action=DUNNO", ask("rcpt@dark.test"));
        assertEquals("action=DUNNO", ask("rcpt@unlisted.test"));
    }

    @Test
    void aWaitBudgetAsLongAsTheRequestLimitIsRefused() throws IOException {
        PolicydConfig config = config(dir.resolve("policy.json"));
        config.probe.waitMillis = config.limits.requestTimeoutSeconds * 1000;

        ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.from(config, null));
        assertTrue(e.getMessage().contains("probe.wait-millis"), e.getMessage());
    }

    @Test
    void probingIsOffUnlessTheAdminOptsIn() {
        assertEquals(false, new PolicydConfig().probe.enabled);
    }
}
