package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;

/** {@code policyctl sts publish}: a file our own parser reads back, and the records to add. */
class StsPublishCommandTest {
    private static final Pattern TXT_ID = Pattern.compile("_mta-sts\\.example\\.org\\. IN TXT \"v=STSv1; id=([A-Za-z0-9]{1,32})\"");

    @TempDir
    Path dir;

    private record Run(int exit, String out) {
    }

    private static Run run(Instant now, String... args) {
        StringWriter out = new StringWriter();
        int exit = PolicyCtl.run(Clock.fixed(now, ZoneOffset.UTC), new PrintWriter(out), new PrintWriter(out), args);
        return new Run(exit, out.toString());
    }

    @Test
    void writesAPolicyOurParserAcceptsAndPrintsBothRecords() throws Exception {
        Path file = dir.resolve("mta-sts.txt");
        Run run = run(Instant.parse("2026-12-02T02:00:00Z"), "sts", "publish", "--domain", "Example.ORG",
                "--mx", "mx1.example.org", "*.mail.example.org", "--output", file.toString());
        assertEquals(0, run.exit(), run.out());
        StsPolicyResult parsed = new StsPolicyParser().parse(Files.readAllBytes(file));
        assertTrue(parsed instanceof StsPolicyResult.Valid, parsed.toString());
        var policy = ((StsPolicyResult.Valid) parsed).policy();
        assertEquals(StsMode.TESTING, policy.mode());
        assertEquals(604_800, policy.maxAge().toSeconds());
        assertTrue(policy.coversMx("mx1.example.org") && policy.coversMx("a.mail.example.org"));
        assertFalse(policy.coversMx("a.b.mail.example.org"));
        assertTrue(TXT_ID.matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains("_smtp._tls.example.org. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.org\""),
                run.out());
        assertTrue(run.out().contains("--mode enforce"), run.out());
    }

    @Test
    void everyPublicationGetsAFreshId() {
        List<String> ids = List.of("2026-12-02T02:00:00Z", "2026-12-02T02:00:01Z").stream().map(at -> {
            Run run = run(Instant.parse(at), "sts", "publish", "--domain", "example.org", "--mx", "mx.example.org",
                    "--mode", "enforce", "--output", dir.resolve("p.txt").toString());
            Matcher id = TXT_ID.matcher(run.out());
            assertTrue(id.find(), run.out());
            return id.group(1);
        }).toList();
        assertNotEquals(ids.get(0), ids.get(1));
    }

    @Test
    void anIpAddressAsMxPatternIsRefused() {
        Run run = run(Instant.now(), "sts", "publish", "--domain", "example.org", "--mx", "192.0.2.1",
                "--output", dir.resolve("p.txt").toString());
        assertEquals(2, run.exit(), run.out());
        assertFalse(Files.exists(dir.resolve("p.txt")));
    }

    @Test
    void aMaxAgeBeyondTheRfcLimitIsRefused() {
        Run run = run(Instant.now(), "sts", "publish", "--domain", "example.org", "--mx", "mx.example.org",
                "--max-age", "31557601", "--output", dir.resolve("p.txt").toString());
        assertEquals(2, run.exit(), run.out());
    }

    @Test
    void aReportAddressReportersCannotUseIsRefusedBeforeAnythingIsWritten() {
        Run run = run(Instant.now(), "sts", "publish", "--domain", "example.org", "--mx", "mx.example.org",
                "--rua", "tlsrpt@example.org", "--output", dir.resolve("p.txt").toString());
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.out().contains("--rua: "), run.out());
        assertFalse(Files.exists(dir.resolve("p.txt")));
    }

    @Test
    void anHttpsReportAddressIsPrintedInTheRecord() {
        Run run = run(Instant.now(), "sts", "publish", "--domain", "example.org", "--mx", "mx.example.org",
                "--rua", "https://reports.example.org/tlsrpt", "--output", dir.resolve("p.txt").toString());
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("_smtp._tls.example.org. IN TXT \"v=TLSRPTv1; rua=https://reports.example.org/tlsrpt\""),
                run.out());
    }
}
