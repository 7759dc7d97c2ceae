package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.probe.ProbeFixture;

/** {@code policyctl probe} against the fake MXes: the table, the JSON, and the exit codes. */
class ProbeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static ProbeFixture world;
    private static Path list;
    private static Path keyring;

    @BeforeAll
    static void start() throws Exception {
        world = new ProbeFixture(dir);
        world.dns.mx("stripped.test", 10, ProbeFixture.PLAIN).mx("stripped.test", 20, ProbeFixture.OUTSIDE)
                .mx("secure.test", 10, ProbeFixture.GOOD).mx("dark.test", 10, ProbeFixture.SILENT);
        Instant now = Instant.now();
        list = TestLists.signed(TestKeys.primary(), now.minusSeconds(60), now.minusSeconds(3600),
                now.plus(Duration.ofDays(7)), Map.of("stripped.test", ProbeFixture.PATTERN,
                        "secure.test", ProbeFixture.PATTERN, "dark.test", ProbeFixture.PATTERN))
                .writeTo(dir, "policy.json");
        keyring = dir.resolve("signer.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run probe(String... domainsAndFlags) {
        List<String> args = new ArrayList<>(List.of("probe", "--list", list.toString(), "--keyring", keyring.toString(),
                "--resolver", "127.0.0.1:" + world.dns.address().getPort(), "--port",
                String.valueOf(world.settings().port()), "--trust-store", world.settings().trustStore().toString(),
                "--timeout", "2"));
        args.addAll(List.of(domainsAndFlags));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true),
                args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aSecureDomainShowsItsMxRowWithTlsAndCertificateAndExitsZero() {
        Run run = probe("secure.test");

        assertEquals(ExitCodes.OK, run.exit(), run::toString);
        assertTrue(run.out().startsWith("secure.test: SECURE"), run.out());
        assertTrue(run.out().matches("(?s).*good\\.mx\\.test\\s+10\\s+yes\\s+yes\\s+TLSv1\\.[23]\\s+ok.*"), run.out());
        assertTrue(run.out().contains("certificate: subject CN=good.mx.test; issuer CN=Probe Test CA; expires "), run.out());
    }

    @Test
    void aDowngradedDomainExitsFiveAndShowsEachMxVerdict() {
        Run run = probe("stripped.test", "secure.test");

        assertEquals(ExitCodes.DOWNGRADE, run.exit(), run::toString);
        assertTrue(run.out().matches("(?s).*plain\\.mx\\.test\\s+10\\s+yes\\s+no\\s+-\\s+starttls-not-supported.*"),
                run.out());
        assertTrue(run.out().matches("(?s).*mx\\.elsewhere\\.test\\s+20\\s+no\\s+-\\s+-\\s+mx-not-in-policy.*"), run.out());
    }

    @Test
    void jsonHasOneObjectPerDomain() throws Exception {
        Run run = probe("--json", "stripped.test", "dark.test");

        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        JsonNode stripped = JSON.readTree(lines[0]);
        assertEquals("DOWNGRADE", stripped.get("status").asText());
        assertEquals("starttls-not-supported", stripped.get("mxs").get(0).get("result").asText());
        assertEquals(false, stripped.get("mxs").get(0).get("starttls").asBoolean());
        assertEquals("mx-not-in-policy", stripped.get("mxs").get(1).get("result").asText());
        JsonNode dark = JSON.readTree(lines[1]);
        assertEquals("UNKNOWN", dark.get("status").asText());
        assertEquals("unreachable", dark.get("mxs").get(0).get("result").asText());
    }

    @Test
    void anUnreachableDomainExitsSixAndAnUnlistedOneIsReported() {
        Run dark = probe("dark.test");
        Run unlisted = probe("secure.test", "unlisted.test");

        assertEquals(ExitCodes.NO_EVIDENCE, dark.exit(), dark::toString);
        assertEquals(ExitCodes.PARTIAL, unlisted.exit(), unlisted::toString);
        assertTrue(unlisted.err().contains("unlisted.test is not in the list"), unlisted.err());
    }

    @Test
    void theResolverAndKeyringComeFromTheConfigurationFile() throws Exception {
        Path config = dir.resolve("policyd.yaml");
        Files.writeString(config, "list:\n  keyring: " + keyring + "\nprobe:\n  resolver: \"127.0.0.1:"
                + world.dns.address().getPort() + "\"\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true),
                "probe", "--config", config.toString(), "--list", list.toString(), "--port",
                String.valueOf(world.settings().port()), "--trust-store", world.settings().trustStore().toString(),
                "--timeout", "2", "secure.test");

        assertEquals(ExitCodes.OK, exit, err::toString);
        assertTrue(out.toString().startsWith("secure.test: SECURE"), out.toString());
    }

    @Test
    void aResolverThatIsNotAnAddressIsAUsageError() {
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "probe", "--list", list.toString(), "--keyring", keyring.toString(), "--resolver", "dns.example",
                "secure.test");

        assertEquals(ExitCodes.USAGE, exit, err::toString);
        assertTrue(err.toString().contains("not an IP address"), err.toString());
    }
}
