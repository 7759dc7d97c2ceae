package org.starttls.policyd.server.daemon;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
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
import org.starttls.policyd.server.transport.RunningServer;

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

    private PolicydConfig config(Path list) throws Exception {
        Path keyring = dir.resolve("signer.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
        PolicydConfig config = new PolicydConfig();
        config.list.file = list.toString();
        config.list.keyring = keyring.toString();
        config.list.stateDir = dir.resolve("state").toString();
        config.socketmap.listen = "127.0.0.1:0";
        config.policyService.listen = "127.0.0.1:0";
        config.admin.listen = "127.0.0.1:0";
        config.metrics.listen = "127.0.0.1:0";
        return config;
    }

    private int port(String door) {
        return daemon.servers().stream().filter(s -> s.name().equals(door)).findFirst().map(RunningServer::port)
                .orElseThrow();
    }

    private String socketmap(String key) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port("socketmap"))) {
            String query = "starttls " + key;
            OutputStream out = socket.getOutputStream();
            out.write((query.length() + ":" + query + ",").getBytes(US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder length = new StringBuilder();
            int b;
            while ((b = in.read()) != ':') {
                length.append((char) b);
            }
            String reply = new String(in.readNBytes(Integer.parseInt(length.toString())), US_ASCII);
            assertEquals(',', in.read());
            return reply;
        }
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
        PolicydConfig config = config(list);
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());

        assertEquals("OK secure match=.mx.first.example servername=hostname", socketmap("first.example"));
        assertEquals("NOTFOUND ", socketmap("second.example"));
        assertEquals("NOTFOUND ", socketmap("[192.0.2.1]:25"));

        writeList(now.plusSeconds(60), Map.of("second.example", "mx.second.example"));
        String reload = policyctl("reload", "--admin", "127.0.0.1:" + port("admin"));
        assertTrue(reload.startsWith("0\nreloaded; list: installed"), reload);
        assertEquals("NOTFOUND ", socketmap("first.example"));
        assertEquals("OK secure match=mx.second.example servername=hostname", socketmap("second.example"));

        String status = policyctl("status", "--json", "--admin", "127.0.0.1:" + port("admin"));
        assertTrue(status.contains("\"domains\":1") && status.contains("\"name\":\"socketmap\""), status);
    }

    @Test
    void aRolledBackOrTamperedFileIsRefusedAndTheGoodListKept() throws Exception {
        Instant now = Instant.now().minusSeconds(120);
        Path list = writeList(now, Map.of("first.example", ".mx.first.example"));
        DaemonSettings settings = DaemonSettings.from(config(list), null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());

        writeList(now.minusSeconds(3600), Map.of("other.example", ".mx.other.example"));
        String reload = policyctl("reload", "--admin", "127.0.0.1:" + port("admin"));
        assertTrue(reload.startsWith("3\n") && reload.contains("rollback"), reload);
        assertEquals("OK secure match=.mx.first.example servername=hostname", socketmap("first.example"));
    }

    @Test
    void reloadAppliesNewAnswerSettingsAndRefusesAnInvalidConfig() throws Exception {
        Instant now = Instant.now().minusSeconds(120);
        Path list = writeList(now, Map.of("testing.example", ".mx.testing.example"));
        PolicydConfig config = config(list);
        AtomicReference<Object> next = new AtomicReference<>(DaemonSettings.from(config, null));
        daemon = Policyd.start((DaemonSettings) next.get(), () -> {
            Object value = next.get();
            if (value instanceof ConfigException) {
                throw new Policyd.ConfigReloadException((ConfigException) value);
            }
            return (DaemonSettings) value;
        }, Clock.systemUTC());
        assertEquals("NOTFOUND ", socketmap("testing.example"), "testing domains are report-only by default");

        config.policy.testingDomains = "enforce";
        config.socketmap.servername = false;
        next.set(DaemonSettings.from(config, null));
        daemon.reloadAll().get();
        assertEquals("OK secure match=.mx.testing.example", socketmap("testing.example"));

        next.set(new ConfigException("policyd.yaml: policy.testing-domains: \"maybe\" is not report-only or enforce"));
        daemon.reloadAll().get();
        assertEquals("OK secure match=.mx.testing.example", socketmap("testing.example"), "the running config is kept");
    }

    @Test
    void statusIsUnreachableWhenNoDaemonListens() {
        String status = policyctl("status", "--admin", "127.0.0.1:1", "--timeout", "2");
        assertTrue(status.startsWith("4\n") && status.contains("UNREACHABLE"), status);
    }
}
