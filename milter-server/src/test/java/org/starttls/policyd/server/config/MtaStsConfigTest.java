package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;

/** The {@code dns:} and {@code mta-sts:} sections and the per-map MTA-STS keys. */
class MtaStsConfigTest {
    @TempDir
    Path dir;

    private DaemonSettings settings(String yaml) throws Exception {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return DaemonSettings.from(ConfigLoader.load(file), file);
    }

    private String refusal(String yaml) throws IOException {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> DaemonSettings.from(ConfigLoader.load(file), file)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        DaemonSettings s = settings("");
        assertTrue(s.mtaSts().enabled());
        assertNull(s.mtaSts().trustStore());
        assertEquals(Duration.ofSeconds(300), s.mtaSts().resolver().txtRecheck());
        assertEquals(20_000, s.mtaSts().resolver().maxEntries());
        assertNull(s.dns().resolver(), "empty: /etc/resolv.conf");
        assertEquals(Duration.ofSeconds(5), s.dns().timeout());
        assertFalse(s.socketmap().defaults().tlsrpt());
        assertEquals(Duration.ofSeconds(10), s.socketmap().defaults().stsWait());
        assertEquals(Duration.ofSeconds(4),
                SocketmapMapSettings.defaultsFor("sts", s.socketmap().defaults()).stsWait(), "Sendmail's map");
        assertTrue(s.warnings().isEmpty());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "read at start\n");
        DaemonSettings s = settings("""
                dns:
                  resolver: 127.0.0.1:5353
                  timeout-ms: 1500
                mta-sts:
                  enabled: false
                  trust-store: %s
                  txt-recheck-seconds: 1
                  cache-size: 50
                socketmap:
                  maps:
                    postfix310:
                      tlsrpt: true
                      sts-wait-seconds: 30
                    sts:
                      servername: true
                """.formatted(ca));
        assertEquals(new InetSocketAddress("127.0.0.1", 5353), s.dns().resolver());
        assertEquals(Duration.ofMillis(1500), s.dns().timeout());
        assertFalse(s.mtaSts().enabled());
        assertEquals(ca, s.mtaSts().trustStore());
        assertEquals(Duration.ofSeconds(1), s.mtaSts().resolver().txtRecheck());
        assertEquals(50, s.mtaSts().resolver().maxEntries());
        SocketmapMapSettings postfix = s.socketmap().named().get("postfix310");
        assertTrue(postfix.tlsrpt());
        assertEquals(Duration.ofSeconds(30), postfix.stsWait());
        assertEquals(Duration.ofSeconds(4), s.socketmap().named().get("sts").stsWait(), "a configured sts map keeps 4 s");
        assertFalse(s.socketmap().named().get("sts").tlsrpt());
        assertEquals(new InetSocketAddress("127.0.0.1", 5353), s.probe().resolver(), "the probe shares dns.resolver");
        assertEquals(Duration.ofSeconds(32), s.socketmap().transport().requestTimeout(),
                "the door's deadline leaves room for the longest wait");
    }

    @Test
    void theDeprecatedProbeResolverStillWorksWithAWarning() throws Exception {
        DaemonSettings s = settings("probe:\n  resolver: 192.0.2.53\n");
        assertEquals(new InetSocketAddress("192.0.2.53", 53), s.dns().resolver());
        assertEquals(new InetSocketAddress("192.0.2.53", 53), s.probe().resolver());
        assertEquals(1, s.warnings().size());
        assertTrue(s.warnings().get(0).contains("probe.resolver is deprecated"), s.warnings().get(0));
        assertTrue(settings("dns:\n  resolver: 192.0.2.53:53\nprobe:\n  resolver: 192.0.2.53\n").warnings().isEmpty(),
                "both naming the same server is fine");
    }

    @Test
    void twoDifferentResolversAreRefused() throws Exception {
        String message = refusal("dns:\n  resolver: 192.0.2.1\nprobe:\n  resolver: 192.0.2.2\n");
        assertTrue(message.contains("dns.resolver and probe.resolver"), message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dns:\\n  resolver: not-an-ip                   | dns.resolver",
        "dns:\\n  timeout-ms: 0                         | dns.timeout-ms",
        "dns:\\n  timeout-ms: 60001                     | dns.timeout-ms",
        "mta-sts:\\n  txt-recheck-seconds: 0            | mta-sts.txt-recheck-seconds",
        "mta-sts:\\n  cache-size: 0                     | mta-sts.cache-size",
        "mta-sts:\\n  trust-store: /nonexistent/ca.pem  | mta-sts.trust-store",
        "mta-sts:\\n  enable: true                      | enable",
        "socketmap:\\n  maps:\\n    a:\\n      sts-wait-seconds: 100 | socketmap.maps.a.sts-wait-seconds",
        "socketmap:\\n  maps:\\n    a:\\n      sts-wait-seconds: -1  | socketmap.maps.a.sts-wait-seconds",
        "socketmap:\\n  maps:\\n    sts:\\n      tlsrpt: true        | socketmap.maps.sts.tlsrpt",
        "socketmap:\\n  maps:\\n    a:\\n      tlsrpt: maybe         | tlsrpt",
    })
    void badValuesAreRefusedNamingTheKey(String yaml, String key) throws Exception {
        String message = refusal(yaml.replace("\\n", "\n"));
        assertTrue(message.contains(key), message);
    }

    @Test
    void waitsUpToNinetyNineSecondsAndZeroAreAccepted() throws Exception {
        assertEquals(Duration.ofSeconds(99), settings("socketmap:\n  maps:\n    a:\n      sts-wait-seconds: 99\n")
                .socketmap().named().get("a").stsWait());
        assertEquals(Duration.ZERO, settings("socketmap:\n  maps:\n    a:\n      sts-wait-seconds: 0\n")
                .socketmap().named().get("a").stsWait());
    }
}
