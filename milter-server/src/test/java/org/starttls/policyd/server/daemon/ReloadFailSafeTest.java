package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.ConfigLoader;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * A reload never makes the daemon answer from a worse list than the one it has: whatever a reload
 * finds (an empty state directory, a rotated key, an empty config file, a damaged installed copy
 * beside an older signed list), a listed domain keeps its answer.
 */
class ReloadFailSafeTest {
    private static final String LISTED = "OK secure match=.mx.first.example servername=hostname";

    @TempDir
    Path dir;
    private Policyd daemon;
    private PolicydConfig config;
    private final AtomicReference<Object> next = new AtomicReference<>();
    private Instant signed;

    @BeforeEach
    void start() throws Exception {
        signed = Instant.now().minusSeconds(600);
        Path list = writeList(signed, Map.of("first.example", ".mx.first.example"));
        config = LocalDaemon.config(dir, list);
        DaemonSettings settings = DaemonSettings.from(config, null);
        next.set(settings);
        daemon = Policyd.start(settings, () -> {
            try {
                Object value = next.get();
                if (value instanceof ConfigException) {
                    throw (ConfigException) value;
                }
                // A file: read as policyd reads its configuration file on reload.
                return value instanceof Path ? DaemonSettings.from(ConfigLoader.loadForReload((Path) value), (Path) value)
                        : (DaemonSettings) value;
            } catch (ConfigException e) {
                throw new Policyd.ConfigReloadException(e);
            }
        }, Clock.systemUTC());
        assertEquals(LISTED, LocalDaemon.socketmap(daemon, "first.example"));
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Path writeList(Instant at, Map<String, String> domains) {
        return TestLists.signed(TestKeys.primary(), at, at, at.plus(Duration.ofDays(14)), domains)
                .writeTo(dir, "policy.json");
    }

    private ReloadOutcome reload(PolicydConfig changed) throws Exception {
        next.set(DaemonSettings.from(changed, null));
        return daemon.reloadAll().get(60, TimeUnit.SECONDS);
    }

    @Test
    void anEmptyNewStateDirectoryAndAMissingListFileKeepTheVerifiedList() throws Exception {
        Files.createDirectories(dir.resolve("empty-state"));
        config.list.stateDir = dir.resolve("empty-state").toString();
        config.list.file = dir.resolve("moved-away.json").toString();

        ReloadOutcome outcome = reload(config);

        assertEquals(ReloadOutcome.Config.APPLIED, outcome.config());
        assertFalse(outcome.list().succeeded(), outcome.list().describe());
        assertEquals(LISTED, LocalDaemon.socketmap(daemon, "first.example"), "the verified list stays active");
    }

    @Test
    void aRotatedKeyringKeepsTheListInMemoryUntilAListSignedByTheNewKeyArrives() throws Exception {
        Path otherKey = dir.resolve("other.asc");
        Files.write(otherKey, TestKeys.other().armoredKeyring());
        config.list.keyring = otherKey.toString();

        ReloadOutcome outcome = reload(config);

        assertTrue(outcome.list().describe().contains("refused"), outcome.list().describe());
        assertEquals(LISTED, LocalDaemon.socketmap(daemon, "first.example"));

        Instant later = signed.plusSeconds(60);
        TestLists.signed(TestKeys.other(), later, later, later.plus(Duration.ofDays(14)),
                Map.of("second.example", "mx.second.example")).writeTo(dir, "policy.json");
        assertTrue(daemon.reloadAll().get(60, TimeUnit.SECONDS).list().succeeded());
        assertEquals("OK secure match=mx.second.example servername=hostname", LocalDaemon.socketmap(daemon, "second.example"));
    }

    @Test
    void anEmptyConfigFileIsRefusedOnReloadAndTheRunningConfigurationKept() throws Exception {
        Path file = dir.resolve("policyd.yaml");
        Files.write(file, new byte[0]);
        next.set(file);

        JsonNode reply = LocalDaemon.admin(daemon, "reload");

        assertFalse(reply.path("reloaded").asBoolean(true), reply.toString());
        assertEquals("refused", reply.path("config").asText(), reply.toString());
        assertTrue(reply.path("config_error").asText().contains("empty"), reply.toString());
        assertEquals(LISTED, LocalDaemon.socketmap(daemon, "first.example"));
    }

    @Test
    void aDamagedInstalledCopyDoesNotLetAnOlderSignedListReplaceTheNewerActiveOne() throws Exception {
        Path current = dir.resolve("state").resolve("current");
        Files.writeString(current.getParent().resolve(Files.readSymbolicLink(current)).resolve("policy.json"), "damaged");
        writeList(signed.minusSeconds(3600), Map.of("old.example", ".mx.old.example"));
        config.list.refreshHours = 12;

        ReloadOutcome outcome = reload(config);

        assertTrue(outcome.list().describe().contains("rollback"), outcome.list().describe());
        assertEquals(LISTED, LocalDaemon.socketmap(daemon, "first.example"));
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "old.example"));
    }

    @Test
    void theReplyNamesWhatWasRefusedUnchangedAndWhatNeedsARestart() throws Exception {
        JsonNode unchanged = LocalDaemon.admin(daemon, "reload");
        assertTrue(unchanged.path("reloaded").asBoolean(), unchanged.toString());
        assertEquals("unchanged", unchanged.path("config").asText());
        assertTrue(unchanged.path("config_error").isNull(), unchanged.toString());
        assertEquals(0, unchanged.path("restart_needed").size());
        assertFalse(unchanged.path("list_refused").asBoolean(true));
        assertTrue(unchanged.path("list_result").asText().startsWith("unchanged"), unchanged.toString());

        config.socketmap.listen = "127.0.0.1:1";
        config.limits.maxConnections = 7;
        config.policy.testingDomains = "enforce";
        next.set(DaemonSettings.from(config, null));
        JsonNode applied = LocalDaemon.admin(daemon, "reload");
        assertEquals("applied", applied.path("config").asText(), applied.toString());
        assertEquals("[\"socketmap.listen\",\"limits.max-connections\"]", applied.path("restart_needed").toString());
        assertEquals(LISTED, LocalDaemon.socketmap(daemon, "first.example"), "the door still listens where it did");

        next.set(new ConfigException("policyd.yaml: list: duplicate key"));
        JsonNode refused = LocalDaemon.admin(daemon, "reload");
        assertFalse(refused.path("reloaded").asBoolean(true));
        assertEquals("refused", refused.path("config").asText());
        assertEquals("policyd.yaml: list: duplicate key", refused.path("config_error").asText());
    }

    @Test
    void aReloadReachesConnectionsThatAreAlreadyOpen() throws Exception {
        try (SocketmapClient postfix = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 10_000)) {
            assertEquals(LISTED, postfix.query("first.example"));
            config.socketmap.servername = false;

            reload(config);

            assertEquals("OK secure match=.mx.first.example", postfix.query("first.example"));
        }
    }

    @Test
    void aReloadReachesOpenPolicyServiceConnectionsToo() throws Exception {
        String request = "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=user@first.example\n\n";
        try (org.starttls.policyd.server.testing.LineClient postfix =
                new org.starttls.policyd.server.testing.LineClient(LocalDaemon.port(daemon, "policy"))) {
            postfix.send(request);
            assertEquals("action=DUNNO\n\n", postfix.read("action=DUNNO\n\n".length()));
            config.policyService.prependHeader = "X-TLS";

            reload(config);

            postfix.send(request);
            String reply = reply(postfix);
            assertTrue(reply.startsWith("action=PREPEND X-TLS: ") && reply.contains("first.example"), reply);
        }
    }

    /** One policy reply: everything up to the empty line. */
    private static String reply(org.starttls.policyd.server.testing.LineClient client) throws java.io.IOException {
        StringBuilder reply = new StringBuilder();
        while (!reply.toString().endsWith("\n\n")) {
            reply.append(client.read(1));
        }
        return reply.toString();
    }
}
