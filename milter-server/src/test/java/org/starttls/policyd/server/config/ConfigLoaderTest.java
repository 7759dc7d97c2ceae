package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.TestingDomains;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private DaemonSettings settings(String yaml) throws Exception {
        Path file = write(yaml);
        return DaemonSettings.from(ConfigLoader.load(file), file);
    }

    private String refusal(String yaml) throws IOException {
        Path file = write(yaml);
        return assertThrows(ConfigException.class, () -> DaemonSettings.from(ConfigLoader.load(file), file))
                .getMessage();
    }

    @Test
    void emptyFileMeansDefaults() throws Exception {
        DaemonSettings settings = settings("");
        assertEquals(TestingDomains.REPORT_ONLY, settings.engine().testingDomains());
        assertEquals(ExpiredList.ENFORCE_NOTHING, settings.engine().expiredList());
        assertEquals("127.0.0.1:5461", settings.socketmap().listen().toString());
        assertEquals("127.0.0.1:5462", settings.policyService().listen().toString());
        assertNull(settings.milter());
        assertTrue(settings.socketmap().defaults().servername());
        assertNull(settings.source().url());
        assertEquals(Duration.ofHours(6), settings.source().refreshInterval());
    }

    @Test
    void theSampleConfigInDeployIsValid() throws Exception {
        Path sample = Path.of("..", "deploy", "policyd.yaml");
        DaemonSettings settings = DaemonSettings.from(ConfigLoader.load(sample), sample);
        assertEquals("127.0.0.1:5461", settings.socketmap().listen().toString());
    }

    @Test
    void everySectionIsRead() throws Exception {
        DaemonSettings settings = settings("""
                list:
                  url: https://lists.example.org/policy.json
                  keyring: /etc/starttls-policyd/signer.asc
                  refresh-hours: 12
                policy:
                  testing-domains: enforce
                  expired-list: tempfail-listed
                socketmap:
                  listen: unix:/run/starttls-policyd/socketmap.sock
                  servername: false
                  maps:
                    early:
                      testing-domains: enforce
                    old-postfix:
                      servername: false
                policy-service:
                  enabled: false
                limits:
                  max-connections: 50
                """);
        assertEquals("https://lists.example.org/policy.json", settings.source().url().toString());
        assertEquals(Duration.ofHours(12), settings.source().refreshInterval());
        assertEquals(TestingDomains.ENFORCE, settings.engine().testingDomains());
        assertEquals(ExpiredList.TEMPFAIL_LISTED, settings.engine().expiredList());
        assertTrue(settings.socketmap().listen().isUnix());
        assertFalse(settings.socketmap().defaults().servername());
        assertEquals(2, settings.socketmap().named().size());
        assertNull(settings.policyService());
        assertEquals(50, settings.transport().maxConnections());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top key | listen: 1 | unknown key \"listen\"; known keys here: admin, limits, list, milter, policy, policy-service, probe, socketmap",
        "typo in section | socketmap:\\n  lisen: 127.0.0.1:1 | unknown key \"socketmap.lisen\"",
        "bad enum | policy:\\n  testing-domains: yes-please | policy.testing-domains: \"yes-please\" is not report-only or enforce",
        "bad expiry rule | policy:\\n  expired-list: ignore | policy.expired-list: \"ignore\" is not enforce-nothing",
        "bad listen | socketmap:\\n  listen: 127.0.0.1 | socketmap.listen: ",
        "bad number | limits:\\n  max-connections: lots | limits.max-connections: \"lots\" is not a valid int",
        "zero | limits:\\n  max-connections: 0 | limits.max-connections: 0 must be greater than 0",
        "two sources | list:\\n  url: https://a.example/p.json\\n  file: /tmp/p.json | list.url and list.file: give one",
        "ftp url | list:\\n  url: ftp://a.example/p.json | list.url: \"ftp://a.example/p.json\" is not an http",
        "refresh too rare | list:\\n  refresh-hours: 400 | list.refresh-hours: 400.0 is not between",
        "bad header | policy-service:\\n  prepend-header: 'X Bad: 1' | policy-service.prepend-header: \"X Bad: 1\" is not a valid header",
        "bad map name | socketmap:\\n  maps:\\n    'a b': {} | socketmap.maps.a b: a map name cannot",
        "not yaml | 'list: [' | line ",
    })
    void badValuesAreRefusedWithFileKeyAndReason(String name, String yaml, String expected) throws IOException {
        String message = refusal(yaml.replace("\\n", "\n"));
        assertTrue(message.startsWith(dir.resolve("policyd.yaml") + ": "), message);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void oversizedFileIsRefused() throws IOException {
        String message = refusal("#" + "x".repeat(ConfigLoader.MAX_CONFIG_BYTES));
        assertTrue(message.contains("larger than"), message);
    }

    @Test
    void missingFileIsRefused() {
        Path missing = dir.resolve("nope.yaml");
        String message = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing)).getMessage();
        assertEquals(missing + ": no such file", message);
    }
}
