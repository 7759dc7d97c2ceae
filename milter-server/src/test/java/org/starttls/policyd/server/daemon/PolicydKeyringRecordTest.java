package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

/** {@code policyctl update --keyring K --state-dir S}, then {@code policyd --state-dir S} with no keyring. */
class PolicydKeyringRecordTest {
    @TempDir
    Path dir;
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void theDaemonVerifiesTheInstalledListWithTheKeyringRecordedWithIt() throws Exception {
        Instant now = Instant.now().minusSeconds(120);
        Path list = TestLists.signed(TestKeys.primary(), now, now, now.plus(Duration.ofDays(14)),
                Map.of("first.example", ".mx.first.example")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        StringWriter out = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(out, true), "update",
                "--list", list.toString(), "--keyring", config.list.keyring, "--state-dir", config.list.stateDir);
        assertEquals(0, exit, out.toString());

        // policyd --state-dir S: no keyring and no source of its own, as after a manual update.
        config.list.file = null;
        config.list.keyring = null;
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());
        assertEquals("OK secure match=.mx.first.example servername=hostname", LocalDaemon.socketmap(daemon, "first.example"));
    }
}
