package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.EffFixture;

/** Both exporters on the real EFF list, checked domain by domain against the raw JSON. */
class ExportCommandTest {
    private static final Map<String, EffListJson.Domain> EFF = EffListJson.domains();

    @TempDir
    Path dir;
    private Path list;

    private record Run(int exit, String out, String err) {
        /** Non-comment, non-blank lines, split at the first space or tab: key to value. */
        Map<String, String> entries() {
            Map<String, String> entries = new HashMap<>();
            for (String line : out.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("[ \t]", 2);
                assertEquals(null, entries.put(parts[0], parts[1]), "duplicate key " + parts[0]);
            }
            return entries;
        }
    }

    @BeforeEach
    void writeEffList() throws Exception {
        list = dir.resolve("policy.json");
        Files.write(list, EffFixture.listBytes());
        Files.write(dir.resolve("policy.json.asc"), EffFixture.signatureBytes());
    }

    private Run run(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String match(EffListJson.Domain domain) {
        return "secure match=" + String.join(":", domain.mxs());
    }

    private static long count(String mode) {
        return EFF.values().stream().filter(d -> d.mode().equals(mode)).count();
    }

    @Test
    void postfixTableHasEveryEnforceDomainWithExactlyItsPatternsAndTestingDomainsAsComments() {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--list", list.toString());

        assertEquals(0, run.exit(), run.err());
        Map<String, String> entries = run.entries();
        assertEquals(count("enforce"), entries.size());
        assertTrue(count("testing") > 500, "the fixture has testing domains to check");
        for (EffListJson.Domain domain : EFF.values()) {
            if (domain.mode().equals("enforce")) {
                assertEquals(match(domain) + " servername=hostname", entries.get(domain.name()), domain.name());
            } else {
                assertFalse(entries.containsKey(domain.name()), domain.name());
                assertTrue(run.out().contains("\n# " + domain.name() + " " + match(domain) + " servername=hostname"
                        + "  (not enforced: listed in testing mode"), domain.name());
            }
        }
        assertTrue(run.out().startsWith("# Postfix smtp_tls_policy_maps table"), run.out());
        assertTrue(run.out().contains("#   postmap hash:/etc/postfix/starttls-policy\n"), run.out());
        assertTrue(run.out().contains("#   postconf -e 'smtp_tls_policy_maps = hash:/etc/postfix/starttls-policy'\n"));
    }

    @Test
    void aliasesAreResolvedToTheAliasPatterns() {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--early-adopter", "--no-servername",
                "--list", list.toString());

        assertEquals(0, run.exit(), run.err());
        Map<String, String> entries = run.entries();
        assertEquals(EFF.size(), entries.size(), "early adopter enforces testing domains too");
        List<EffListJson.Domain> aliased = EFF.values().stream().filter(d -> d.alias() != null).toList();
        assertEquals(EffFixture.VIA_ALIAS, aliased.size());
        for (EffListJson.Domain domain : aliased) {
            assertEquals(match(domain), entries.get(domain.name()), domain.name() + " via " + domain.alias());
        }
        assertEquals("secure match=mx1.comcast.net:mx2.comcast.net", entries.get("comcast.net"));
        assertFalse(run.out().contains("servername=hostname"), "--no-servername leaves the attribute out everywhere");
    }

    @Test
    void anExpiredListExportsNothingEnforcedLoudlyUnlessToldToKeepEnforcing() {
        Run expired = run(EffFixture.CLOCK_AFTER_EXPIRY, "export", "postfix", "--list", list.toString());

        assertEquals(ExitCodes.PARTIAL, expired.exit(), expired.err());
        assertTrue(expired.entries().isEmpty(), expired.out());
        assertTrue(expired.err().contains("WARNING: THE LIST EXPIRED at 2020-06-03"), expired.err());
        assertTrue(expired.out().contains("# WARNING: THE LIST EXPIRED at 2020-06-03"), expired.out());
        assertTrue(expired.out().contains("ENFORCES NOTHING"), expired.out());
        assertTrue(expired.out().contains("\n# gmail.com secure match="), "listed domains stay visible as comments");

        Run kept = run(EffFixture.CLOCK_AFTER_EXPIRY, "export", "postfix", "--expired-list", "keep-enforcing",
                "--list", list.toString());
        assertEquals(0, kept.exit(), kept.err());
        assertEquals(count("enforce"), kept.entries().size());
        assertTrue(kept.err().contains("expired"), kept.err());
    }

    @Test
    void aStaticTableCannotTempfailSoThatSettingIsRefused() {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--expired-list", "tempfail-listed",
                "--list", list.toString());

        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().contains("cannot defer"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void aListThatDoesNotVerifyWritesNothing() throws Exception {
        byte[] tampered = EffFixture.listBytes();
        tampered[tampered.length / 2] ^= 1;
        Files.write(list, tampered);
        Path output = dir.resolve("table");
        Files.writeString(output, "previous\n");

        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", "sendmail", "--list", list.toString(),
                "--output", output.toString());

        assertEquals(ExitCodes.LIST_REFUSED, run.exit(), run.err());
        assertEquals("previous\n", Files.readString(output));
    }

    @Test
    void outputReplacesTheFileWithTheSameTableAndNoTemporaryFileRemains() throws Exception {
        Path output = dir.resolve("out").resolve("starttls-policy");
        Files.createDirectories(output.getParent());
        Files.writeString(output, "old content\n");

        Run written = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--list", list.toString(),
                "--output", output.toString());
        Run printed = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--list", list.toString());

        assertEquals(0, written.exit(), written.err());
        assertEquals("", written.out());
        assertTrue(written.err().contains("wrote " + output + ": " + count("enforce") + " enforced domains"));
        String table = Files.readString(output);
        assertTrue(table.contains("#   postmap hash:" + output.toAbsolutePath() + "\n"), "install lines name the file");
        assertEquals(printed.out(), table.replace(output.toAbsolutePath().toString(), PostfixPolicyTable.DEFAULT_PATH));
        try (var files = Files.list(output.getParent())) {
            assertEquals(List.of("starttls-policy"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(output)));
    }

    @Test
    void sendmailEntriesVerifyEveryEnforceDomainAndPinASingleExactMxName() {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", "sendmail", "--list", list.toString());

        assertEquals(0, run.exit(), run.err());
        Map<String, String> entries = run.entries();
        assertEquals(count("enforce"), entries.size());
        int pinned = 0;
        for (EffListJson.Domain domain : EFF.values()) {
            String key = "TLS_Rcpt:" + domain.name();
            if (!domain.mode().equals("enforce")) {
                assertFalse(entries.containsKey(key), key);
                assertTrue(run.out().contains("\n# " + key + "\t"), key);
                continue;
            }
            boolean single = domain.mxs().size() == 1 && !domain.mxs().get(0).startsWith(".");
            assertEquals(single ? "VERIFY+CN:" + domain.mxs().get(0) : "VERIFY", entries.get(key), key);
            pinned += single ? 1 : 0;
        }
        assertTrue(pinned > 0 && pinned < entries.size(), "both forms occur in the real list: " + pinned);
        assertTrue(run.out().contains("makemap hash /etc/mail/access < /etc/mail/access"), run.out());
    }

    @Test
    void withOverridesInTheConfigurationBothExportersWarnTheyAreNotInTheTable() throws Exception {
        Path overrides = Files.writeString(dir.resolve("overrides.yaml"),
                "gmail.com:\n  policy: none\n  reason: \"ticket 12\"\n");
        Path config = Files.writeString(dir.resolve("policyd.yaml"), "overrides:\n  file: " + overrides + "\n");

        for (String format : List.of("postfix", "sendmail")) {
            Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", format, "--config", config.toString(),
                    "--list", list.toString());
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.err().contains("WARNING: the 1 local override(s) of the configuration's overrides.file are "
                    + "NOT in this table"), format + ": " + run.err());
        }
        Run without = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--list", list.toString());
        assertFalse(without.err().contains("override"), without.err());
    }

    @Test
    void anOverrideThatNoLongerAppliesIsNotWarnedAbout() throws Exception {
        Path overrides = Files.writeString(dir.resolve("overrides.yaml"),
                "gmail.com:\n  policy: none\n  reason: \"ticket 12\"\n  expires: 2000-01-01\n");
        Path config = Files.writeString(dir.resolve("policyd.yaml"), "overrides:\n  file: " + overrides + "\n");

        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--config", config.toString(),
                "--list", list.toString());
        assertEquals(0, run.exit(), run.err());
        assertFalse(run.err().contains("NOT in this table"), run.err());
    }

    @Test
    void exportWithoutAFormatIsAUsageError() {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "export");
        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().contains("postfix or sendmail"), run.err());
    }
}
