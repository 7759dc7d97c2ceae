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
import org.starttls.policyd.server.probe.ProbeSettings;

/** The {@code probe:} section: off by default, every key read, bad values refused with the key named. */
class ProbeConfigTest {
    @TempDir
    Path dir;

    private ProbeSettings probe(String yaml) throws Exception {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return DaemonSettings.from(ConfigLoader.load(file), file).probe();
    }

    private String refusal(String yaml) throws IOException {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> DaemonSettings.from(ConfigLoader.load(file), file)).getMessage();
    }

    @Test
    void probingIsOffByDefault() throws Exception {
        ProbeSettings probe = probe("");
        assertFalse(probe.enabled());
        assertFalse(probe.waits());
        assertEquals(25, probe.port());
        assertNull(probe.resolver());
        assertNull(probe.trustStore());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked until start\n");
        ProbeSettings probe = probe("""
                probe:
                  enabled: true
                  resolver: 127.0.0.1:5353
                  port: 2525
                  ehlo-name: mail.example.org
                  connect-timeout-seconds: 3
                  command-timeout-seconds: 4
                  probe-timeout-seconds: 20
                  good-lifetime-minutes: 120
                  bad-lifetime-minutes: 2
                  max-concurrent-probes: 4
                  wait-millis: 1500
                  trust-store: %s
                """.formatted(ca));
        assertTrue(probe.enabled());
        assertEquals(new InetSocketAddress("127.0.0.1", 5353), probe.resolver());
        assertEquals(2525, probe.port());
        assertEquals("mail.example.org", probe.ehloName());
        assertEquals(Duration.ofSeconds(3), probe.connectTimeout());
        assertEquals(Duration.ofSeconds(4), probe.commandTimeout());
        assertEquals(Duration.ofSeconds(20), probe.probeTimeout());
        assertEquals(Duration.ofMinutes(120), probe.goodLifetime());
        assertEquals(Duration.ofMinutes(2), probe.badLifetime());
        assertEquals(4, probe.maxConcurrentProbes());
        assertEquals(Duration.ofMillis(1500), probe.waitBudget());
        assertEquals(ca, probe.trustStore());
        assertTrue(probe.waits());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "resolver: dns.example.org | probe.resolver",
        "resolver: 127.0.0.1:0 | probe.resolver",
        "port: 0 | probe.port",
        "port: 65536 | probe.port",
        "ehlo-name: 'bad name' | probe.ehlo-name",
        "connect-timeout-seconds: 0 | probe.connect-timeout-seconds",
        "good-lifetime-minutes: -1 | probe.good-lifetime-minutes",
        "max-concurrent-probes: 0 | probe.max-concurrent-probes",
        "max-concurrent-probes: 257 | probe.max-concurrent-probes",
        "wait-millis: -1 | probe.wait-millis",
        "wait-millis: 10000 | probe.wait-millis",
        "trust-store: /nonexistent/ca.pem | probe.trust-store",
        "no-such-key: 1 | no-such-key",
    })
    void badValuesAreRefusedNamingTheKey(String line, String key) throws IOException {
        String message = refusal("probe:\n  " + line + "\n");
        assertTrue(message.contains(key), message);
    }

    @Test
    void theWaitBudgetMayBeJustBelowTheRequestLimit() throws Exception {
        assertEquals(Duration.ofMillis(9_999), probe("probe:\n  wait-millis: 9999\n").waitBudget());
    }

    @Test
    void anIpv6ResolverWithAPort() throws Exception {
        assertEquals(new InetSocketAddress("::1", 5353), probe("probe:\n  resolver: '[::1]:5353'\n").resolver());
    }
}
