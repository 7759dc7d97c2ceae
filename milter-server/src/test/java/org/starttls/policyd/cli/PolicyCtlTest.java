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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.EffFixture;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

class PolicyCtlTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path effList() throws Exception {
        Path list = dir.resolve("policy.json");
        Files.write(list, EffFixture.listBytes());
        Files.write(dir.resolve("policy.json.asc"), EffFixture.signatureBytes());
        return list;
    }

    @Test
    void lookupInsideTheWindowShowsTheSecureAnswer() throws Exception {
        Path list = effList();
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--list", list.toString(), "GMAIL.com.", "lists.eff.org");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("gmail.com: listed, mode enforce"), run.out());
        assertTrue(run.out().contains("OK secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com "
                + "servername=hostname"), run.out());
        assertTrue(run.out().contains("lists.eff.org: not listed"), run.out());
        assertTrue(run.out().contains("signed by STARTTLS Everywhere Team"), run.out());
        assertFalse(run.err().contains("expired"), run.err());
    }

    @Test
    void aLiveLookupSaysAnOverrideDecidedAndWhatTheListWouldHaveSaid() throws Exception {
        Path list = effList();
        Path overrides = Files.writeString(dir.resolve("overrides.yaml"),
                "gmail.com:\n  policy: none\n  reason: \"ticket 12\"\n  expires: 2020-06-01\n");
        Path config = Files.writeString(dir.resolve("policyd.yaml"), "overrides:\n  file: " + overrides + "\n");

        Run text = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--no-mta-sts", "--no-dane", "--config",
                config.toString(), "--list", list.toString(), "gmail.com");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("decided by:  override"), text.out());
        assertTrue(text.out().contains("socketmap:   NOTFOUND"), text.out());
        assertTrue(text.out().contains("override:    gmail.com none (line 1) because \"ticket 12\", until 2020-06-01"),
                text.out());
        assertTrue(text.out().contains("without it:  OK secure match=gmail-smtp-in.l.google.com"), text.out());
        assertTrue(text.out().contains("WARNING:     the override (none) is weaker"), text.out());

        Run json = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--json", "--no-mta-sts", "--no-dane", "--config",
                config.toString(), "--list", list.toString(), "gmail.com", "yahoo.com");
        JsonNode gmail = new ObjectMapper().readTree(json.out().lines().toList().get(0));
        assertEquals("override", gmail.get("source").asText());
        assertEquals("list", gmail.get("sources").get("source").asText());
        assertTrue(gmail.get("override_weaker").asBoolean());
        JsonNode yahoo = new ObjectMapper().readTree(json.out().lines().toList().get(1));
        assertFalse(yahoo.has("override"), "no override for yahoo.com: " + yahoo);
    }

    @Test
    void lookupJsonHasTheDocumentedFields() throws Exception {
        Path list = effList();
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--json", "--list", list.toString(),
                "--signature", list + ".asc", "yahoo.com", "example.org");

        assertEquals(0, run.exit(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length);
        JsonNode yahoo = JSON.readTree(lines[0]);
        assertEquals("yahoo.com", yahoo.get("domain").asText());
        assertTrue(yahoo.get("listed").asBoolean());
        assertEquals("testing", yahoo.get("mode").asText());
        assertEquals(".am0.yahoodns.net", yahoo.get("mxs").get(0).asText());
        assertFalse(yahoo.get("expired").asBoolean());
        assertEquals("NOTFOUND ", yahoo.get("socketmap_answer").asText());
        JsonNode unlisted = JSON.readTree(lines[1]);
        assertFalse(unlisted.get("listed").asBoolean());
        assertTrue(unlisted.get("mode").isNull());
        assertEquals(0, unlisted.get("mxs").size());
    }

    @Test
    void withoutOptionsTheEmbeddedDefaultIsUsedAndItsExpiryIsSaid() {
        Run run = run(Clock.systemUTC(), "lookup", "--state-dir", dir.resolve("none").toString(), "gmail.com");
        assertEquals(3, run.exit(), "an explicit --state-dir without a list is an error: " + run.err());

        Run embedded = run(Clock.systemUTC(), "lookup", "--json", "gmail.com");
        assertEquals(0, embedded.exit(), embedded.err());
        assertTrue(embedded.out().contains("\"expired\":true"), embedded.out());
        assertTrue(embedded.out().contains("\"embedded_default\":true"), embedded.out());
        assertTrue(embedded.err().contains("expired"), embedded.err());
    }

    @Test
    void expiredListRuleChangesTheAnswerAfterExpiry() throws Exception {
        Path list = effList();
        Run keep = run(EffFixture.CLOCK_AFTER_EXPIRY, "lookup", "--json", "--expired-list", "keep-enforcing",
                "--list", list.toString(), "gmail.com");
        assertTrue(keep.out().contains("\"socketmap_answer\":\"OK secure match="), keep.out());
        Run tempfail = run(EffFixture.CLOCK_AFTER_EXPIRY, "lookup", "--json", "--expired-list", "tempfail-listed",
                "--list", list.toString(), "gmail.com");
        assertTrue(tempfail.out().contains("\"socketmap_answer\":\"TEMP "), tempfail.out());
    }

    @Test
    void anExpiredListUnderTempfailListedStillShowsTheDomainAsListed() throws Exception {
        Path list = effList();
        Run text = run(EffFixture.CLOCK_AFTER_EXPIRY, "lookup", "--expired-list", "tempfail-listed",
                "--list", list.toString(), "gmail.com");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("gmail.com: listed, mode enforce"), text.out());
        assertTrue(text.out().contains("mx patterns: gmail-smtp-in.l.google.com"), text.out());
        assertTrue(text.out().contains("verdict:     TEMPFAIL"), text.out());
        Run json = run(EffFixture.CLOCK_AFTER_EXPIRY, "lookup", "--json", "--expired-list", "tempfail-listed",
                "--list", list.toString(), "gmail.com");
        JsonNode node = JSON.readTree(json.out());
        assertTrue(node.get("listed").asBoolean(), json.out());
        assertEquals("enforce", node.get("mode").asText());
        assertEquals("TEMPFAIL", node.get("verdict").asText());
    }

    @Test
    void operatorErrorsAreOneLineWithTheirOwnExitCode() throws Exception {
        Path list = effList();
        Path unwritable = dir.resolve("no-such-dir/table");
        Run export = run(EffFixture.CLOCK_IN_WINDOW, "export", "postfix", "--list", list.toString(),
                "--output", unwritable.toString());
        assertEquals(ExitCodes.IO_ERROR, export.exit(), export.toString());
        assertTrue(export.err().contains("ERROR: ") && export.err().contains("no-such-dir"), export.err());
        assertFalse(export.err().contains("bug") || export.err().contains("\tat "), export.err());
        assertTrue(export.err().contains("cannot write " + unwritable), export.err());
        // The directory to create is named, not the random name of the temporary file beside the target.
        assertTrue(export.err().contains(unwritable.getParent() + ": no such file or directory"), export.err());
        assertFalse(export.err().contains(".tmp"), export.err());
        Run intoADirectory = run(EffFixture.CLOCK_IN_WINDOW, "export", "sendmail", "--list", list.toString(),
                "--output", dir.toString());
        assertEquals(ExitCodes.IO_ERROR, intoADirectory.exit(), intoADirectory.toString());
        assertTrue(intoADirectory.err().contains("is a directory"), intoADirectory.err());

        Run badAdmin = run(Clock.systemUTC(), "status", "--admin", "nonsense");
        assertEquals(ExitCodes.USAGE, badAdmin.exit(), badAdmin.toString());
        assertFalse(badAdmin.err().contains("\tat "), badAdmin.err());
    }

    @Test
    void withJsonEveryFailureIsAlsoAJsonObject() throws Exception {
        Path list = effList();
        byte[] bytes = Files.readAllBytes(list);
        bytes[100] ^= 1;
        Files.write(list, bytes);
        for (String[] args : new String[][] {
            {"verify", "--json", list.toString()},
            {"lookup", "--json", "--list", list.toString(), "gmail.com"},
            {"lookup", "--json", "--list", dir.resolve("missing.json").toString(), "gmail.com"},
            {"status", "--json", "--admin", "127.0.0.1:1", "--timeout", "2"},
            {"lookup", "--json", "--expired-list", "sometimes", "gmail.com"}}) {
            Run run = run(EffFixture.CLOCK_IN_WINDOW, args);
            assertTrue(run.exit() != 0, String.join(" ", args));
            JsonNode node = JSON.readTree(run.out());
            assertEquals(run.exit(), node.get("exit_code").asInt(), String.join(" ", args) + ": " + run.out());
            assertFalse(node.get("error").asText().isEmpty());
            assertFalse(run.err().isBlank(), "the human line stays on stderr");
        }
        Run partial = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--json", "--list", effList().toString(), "bad_domain");
        assertEquals(1, partial.exit());
        assertTrue(JSON.readTree(partial.out()).get("error").asText().contains("'_'"), partial.out());
    }

    @Test
    void notADomainIsReportedAndTheOthersAnswered() throws Exception {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--list", effList().toString(), "bad_domain", "gmail.com");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("\"bad_domain\" contains '_'"), run.err());
        assertTrue(run.out().contains("gmail.com: listed"), run.out());
    }

    @Test
    void tamperedListIsRefusedWithExitThree() throws Exception {
        Path list = effList();
        byte[] bytes = Files.readAllBytes(list);
        bytes[100] ^= 1;
        Files.write(list, bytes);
        Run lookup = run(EffFixture.CLOCK_IN_WINDOW, "lookup", "--list", list.toString(), "gmail.com");
        assertEquals(3, lookup.exit());
        assertTrue(lookup.err().startsWith("REFUSED: " + list + ": signature check failed: BAD signature"), lookup.err());
        Run verify = run(EffFixture.CLOCK_IN_WINDOW, "verify", list.toString());
        assertEquals(3, verify.exit());
    }

    @Test
    void verifyPrintsSignerTimeAndCounts() throws Exception {
        Run run = run(EffFixture.CLOCK_IN_WINDOW, "verify", effList().toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("B693F33372E965D76D55368616EEA65D03326C9D"), run.out());
        assertTrue(run.out().contains("at 2020-05-20T"), run.out());
        assertTrue(run.out().contains("926 domains: 361 enforce, 565 testing"), run.out());
    }

    @Test
    void verifyWithAPinnedKeyOfTheOperatorsOwn() throws Exception {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");
        Path list = TestLists.signed(TestKeys.primary(), now, now, now.plusSeconds(86400 * 14),
                Map.of("example.com", ".mx.example.com")).writeTo(dir, "own.json");
        Path keyring = dir.resolve("key.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());

        Run ok = run(Clock.systemUTC(), "verify", "--keyring", keyring.toString(), list.toString());
        assertEquals(0, ok.exit(), ok.err());
        Run wrongKey = run(Clock.systemUTC(), "verify", list.toString());
        assertEquals(3, wrongKey.exit());
        assertTrue(wrongKey.err().contains("which is not in the pinned"), wrongKey.err());
    }

    @Test
    void helpListsTheExitCodes() {
        Run run = run(Clock.systemUTC(), "lookup", "--help");
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("Exit codes:") && run.out().contains("3    The list could not be read"), run.out());
        assertEquals(2, run(Clock.systemUTC(), "lookup").exit(), "a domain is required");
        Run badRule = run(Clock.systemUTC(), "lookup", "--expired-list", "KEEP_ENFORCING", "gmail.com");
        assertEquals(2, badRule.exit());
        assertTrue(badRule.err().contains("is not enforce-nothing, keep-enforcing or tempfail-listed"), badRule.err());
    }

    @Test
    void aZeroTimeoutForTheDaemonIsAUsageErrorNotOneSecond() {
        for (String command : new String[] {"status", "reload"}) {
            Run run = run(Clock.systemUTC(), command, "--timeout", "0", "--admin", "unix:" + dir.resolve("none.sock"));
            assertEquals(2, run.exit(), command + ": " + run.err());
            assertTrue(run.err().contains("--timeout: must be at least 1 second"), run.err());
        }
    }
}
