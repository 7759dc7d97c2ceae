package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

/** The daemon as a whole on real sockets: start from a local list, answer, reload a newer list and a new config. */
class PolicydTest {
    @TempDir
    Path dir;
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Path writeList(Instant signedAt, Map<String, String> domains) throws Exception {
        return TestLists.signed(TestKeys.primary(), signedAt, signedAt, signedAt.plus(Duration.ofDays(14)), domains)
                .writeTo(dir, "policy.json");
    }

    private String policyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return exit + "\n" + out + err;
    }

    @Test
    void answersFromALocalListAndReloadsANewerOne() throws Exception {
        Instant now = Instant.now().minusSeconds(120);
        Path list = writeList(now, Map.of("first.example", ".mx.first.example"));
        PolicydConfig config = LocalDaemon.config(dir, list);
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());

        assertEquals("OK secure match=.mx.first.example servername=hostname", LocalDaemon.socketmap(daemon, "first.example"));
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "second.example"));
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "[192.0.2.1]:25"));

        writeList(now.plusSeconds(60), Map.of("second.example", "mx.second.example"));
        String reload = policyctl("reload", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
        assertTrue(reload.startsWith("0\n") && reload.contains("list: installed"), reload);
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "first.example"));
        assertEquals("OK secure match=mx.second.example servername=hostname", LocalDaemon.socketmap(daemon, "second.example"));

        String status = policyctl("status", "--json", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
        assertTrue(status.contains("\"domains\":1") && status.contains("\"name\":\"socketmap\""), status);
    }

    @Test
    void aRolledBackOrTamperedFileIsRefusedAndTheGoodListKept() throws Exception {
        Instant now = Instant.now().minusSeconds(120);
        Path list = writeList(now, Map.of("first.example", ".mx.first.example"));
        DaemonSettings settings = DaemonSettings.from(LocalDaemon.config(dir, list), null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());

        writeList(now.minusSeconds(3600), Map.of("other.example", ".mx.other.example"));
        String reload = policyctl("reload", "--admin", "127.0.0.1:" + LocalDaemon.port(daemon, "admin"));
        assertTrue(reload.startsWith("3\n") && reload.contains("rollback"), reload);
        assertEquals("OK secure match=.mx.first.example servername=hostname", LocalDaemon.socketmap(daemon, "first.example"));
    }

    @Test
    void reloadAppliesNewAnswerSettingsAndRefusesAnInvalidConfig() throws Exception {
        Instant now = Instant.now().minusSeconds(120);
        Path list = writeList(now, Map.of("testing.example", ".mx.testing.example"));
        PolicydConfig config = LocalDaemon.config(dir, list);
        AtomicReference<Object> next = new AtomicReference<>(DaemonSettings.from(config, null));
        daemon = Policyd.start((DaemonSettings) next.get(), () -> {
            Object value = next.get();
            if (value instanceof ConfigException) {
                throw new Policyd.ConfigReloadException((ConfigException) value);
            }
            return (DaemonSettings) value;
        }, Clock.systemUTC());
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "testing.example"), "testing domains are report-only by default");

        config.policy.testingDomains = "enforce";
        config.socketmap.servername = false;
        next.set(DaemonSettings.from(config, null));
        daemon.reloadAll().get();
        assertEquals("OK secure match=.mx.testing.example", LocalDaemon.socketmap(daemon, "testing.example"));

        next.set(new ConfigException("policyd.yaml: policy.testing-domains: \"maybe\" is not report-only or enforce"));
        daemon.reloadAll().get();
        assertEquals("OK secure match=.mx.testing.example", LocalDaemon.socketmap(daemon, "testing.example"), "the running config is kept");
    }

    @Test
    void statusIsUnreachableWhenNoDaemonListens() {
        String status = policyctl("status", "--admin", "127.0.0.1:1", "--timeout", "2");
        assertTrue(status.startsWith("4\n") && status.contains("UNREACHABLE"), status);
    }
}
