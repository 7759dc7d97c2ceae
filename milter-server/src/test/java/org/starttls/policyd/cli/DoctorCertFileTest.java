package org.starttls.policyd.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policyctl doctor --cert-file} on a host whose MTA settings cannot be read (no Postfix configuration). */
class DoctorCertFileTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void withoutTheMtasSettingsTheErrorNamesTheOptionThatNeedsNone() throws Exception {
        Path chain = Files.writeString(dir.resolve("fullchain.pem"), "not a certificate\n", UTF_8);
        // An empty directory: postconf finds no main.cf (or, without Postfix, cannot be run at all).
        Path noPostfix = Files.createDirectory(dir.resolve("no-postfix"));

        Run run = run("doctor", "--cert-file", chain.toString(), "--postfix-config-dir", noPostfix.toString());

        assertEquals(74, run.exit(), run.err());
        assertTrue(run.err().contains("--mx-name NAME"), run.err());
    }

    @Test
    void withMxNamesTheFileIsJudgedWithoutReadingTheMtasSettings() throws Exception {
        Path chain = Files.writeString(dir.resolve("fullchain.pem"), "not a certificate\n", UTF_8);
        Path noPostfix = Files.createDirectory(dir.resolve("no-postfix"));

        Run run = run("doctor", "--cert-file", chain.toString(), "--mx-name", "mx.example.org", "--postfix-config-dir",
                noPostfix.toString());

        assertFalse((run.out() + run.err()).contains("postconf"), run.out() + run.err());
        assertTrue((run.out() + run.err()).contains("fullchain.pem"), run.out() + run.err());
    }
}
