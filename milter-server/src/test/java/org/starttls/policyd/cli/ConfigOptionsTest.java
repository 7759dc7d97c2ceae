package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

/** policyctl reads policyd's configuration (--config, or the default file when it exists); flags beat it. */
class ConfigOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SIGNED = Instant.parse("2024-03-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private Path keyring;
    private Path state;
    private Path absentDefault;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path defaultConfig, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(CLOCK, defaultConfig, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(absentDefault, args);
    }

    @BeforeEach
    void installAListUnderTheOperatorsKey() throws Exception {
        keyring = dir.resolve("signer.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
        state = dir.resolve("state");
        absentDefault = dir.resolve("etc/policyd.yaml");
        Path list = TestLists.signed(TestKeys.primary(), SIGNED, SIGNED, SIGNED.plusSeconds(86400 * 20),
                Map.of("a.example", ".mx.a.example")).writeTo(dir, "policy.json");
        Run update = run("update", "--list", list.toString(), "--keyring", keyring.toString(), "--state-dir",
                state.toString());
        assertEquals(0, update.exit(), update.toString());
    }

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("policyd-" + Math.abs(yaml.hashCode()) + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theConfigFileGivesTheStateDirectoryAndKeyring() throws Exception {
        // Neither --keyring nor --state-dir: both come from the file.
        Path file = config("list:\n  keyring: " + keyring + "\n  state-dir: " + state + "\n");
        Run lookup = run("lookup", "--config", file.toString(), "a.example");
        assertEquals(0, lookup.exit(), lookup.toString());
        assertTrue(lookup.out().contains("a.example: listed, mode enforce"), lookup.out());
        assertTrue(lookup.out().contains("list: installed " + state), lookup.out());
    }

    @Test
    void theDefaultFileIsReadWhenItExistsAndSkippedSilentlyWhenNot() throws Exception {
        Path presentDefault = config("list:\n  state-dir: " + state + "\n");
        Run withDefault = run(presentDefault, "lookup", "--json", "a.example");
        assertEquals(0, withDefault.exit(), withDefault.toString());
        assertTrue(withDefault.out().contains("\"listed\":true"), withDefault.out());

        Run withoutDefault = run(dir.resolve("nowhere/policyd.yaml"), "lookup", "--json", "a.example");
        assertEquals(0, withoutDefault.exit(), withoutDefault.toString());
        assertTrue(withoutDefault.out().contains("\"listed\":false"), "built-in defaults: " + withoutDefault.out());
        assertFalse(withoutDefault.err().contains("policyd.yaml"), withoutDefault.err());
    }

    @Test
    void verifyChecksACandidateWithTheKeysPolicydWouldUse() throws Exception {
        // No keyring anywhere in the file: the one recorded in its state directory decides, as for policyd.
        Path file = config("list:\n  state-dir: " + state + "\n");
        Path candidate = TestLists.signed(TestKeys.primary(), SIGNED.plusSeconds(60), SIGNED.plusSeconds(60),
                SIGNED.plusSeconds(86400 * 20), Map.of("b.example", ".mx.b.example")).writeTo(dir, "candidate.json");
        Run verify = run("verify", "--config", file.toString(), candidate.toString());
        assertEquals(0, verify.exit(), verify.toString());
        Run otherKeys = run("verify", "--config", file.toString(), "--keyring", dir.resolve("other.asc").toString(),
                candidate.toString());
        assertEquals(ExitCodes.REFUSED, otherKeys.exit(), "a missing --keyring file is refused: " + otherKeys);
    }

    @Test
    void flagsBeatTheFile() throws Exception {
        Path file = config("list:\n  state-dir: " + dir.resolve("elsewhere") + "\n");
        Run lookup = run("lookup", "--config", file.toString(), "--state-dir", state.toString(), "a.example");
        assertEquals(0, lookup.exit(), lookup.toString());
        assertTrue(lookup.out().contains("a.example: listed"), lookup.out());
    }

    @Test
    void aMissingOrInvalidExplicitFileIsAConfigurationError() throws Exception {
        Run missing = run("lookup", "--config", dir.resolve("absent.yaml").toString(), "a.example");
        assertEquals(ExitCodes.CONFIG, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("CONFIGURATION ERROR: ") && missing.err().contains("absent.yaml: no such file"),
                missing.err());
        assertEquals(1, missing.err().strip().lines().count(), "one line, no stack trace: " + missing.err());

        Path bad = config("list:\n  stat-dir: /tmp\n");
        Run invalid = run("status", "--json", "--config", bad.toString());
        assertEquals(ExitCodes.CONFIG, invalid.exit(), invalid.toString());
        assertTrue(invalid.err().contains("unknown key \"list.stat-dir\""), invalid.err());
        JsonNode error = JSON.readTree(invalid.out());
        assertEquals(ExitCodes.CONFIG, error.get("exit_code").asInt());
        assertEquals("config", error.get("kind").asText());
    }

    @Test
    void theAdminAddressComesFromTheFileUnlessAdminIsGiven() throws Exception {
        String status = "{\"list\":{\"healthy\":true,\"source\":\"s\",\"warnings\":[]},\"doors\":[]}";
        try (FakeAdmin admin = new FakeAdmin(Map.of("status", status))) {
            Path file = config("admin:\n  listen: " + admin.address() + "\n");
            Run fromFile = run("status", "--json", "--config", file.toString());
            assertEquals(0, fromFile.exit(), fromFile.toString());
            assertEquals(List.of("status"), admin.received());

            Run flag = run("status", "--config", file.toString(), "--admin", "127.0.0.1:1", "--timeout", "2");
            assertEquals(ExitCodes.DAEMON_UNREACHABLE, flag.exit(), flag.toString());
            assertEquals(1, admin.received().size(), "--admin beats admin.listen");
        }
    }
}
