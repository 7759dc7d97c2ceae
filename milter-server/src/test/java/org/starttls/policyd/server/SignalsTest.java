package org.starttls.policyd.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP in a real child JVM: it reloads, and a process that inherited SIGHUP ignored (as under
 * {@code nohup}), where the JVM cannot install the handler, says so instead of ignoring reloads.
 */
class SignalsTest {
    private static final Path SH = Path.of("/bin/sh");

    private static Process probe(boolean ignoreHangup) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = (ignoreHangup ? "trap '' HUP; " : "") + "exec \"$0\" -cp \"$1\" " + HangupProbe.class.getName();
        return new ProcessBuilder(SH.toString(), "-c", script, java, System.getProperty("java.class.path"))
                .redirectErrorStream(true).start();
    }

    /** Reads until "installed", sends SIGHUP, and returns everything the probe printed. */
    private static String hangUp(Process process) throws Exception {
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                if (line.equals("installed")) {
                    assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor());
                }
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output.toString());
        return output.toString();
    }

    /**
     * Whether this JVM itself started with SIGHUP ignored (Maven run under {@code nohup}): a child
     * inherits that and no shell can undo it (POSIX: a signal ignored on entry stays ignored).
     */
    private static boolean hangupIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status, UTF_8)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & 1L) != 0; // bit 0: SIGHUP
            }
        }
        return false;
    }

    @Test
    void aHangupRunsTheReload() throws Exception {
        assumeTrue(Files.isExecutable(SH), "needs /bin/sh");
        assumeFalse(hangupIgnoredHere(), "this test JVM was started with SIGHUP ignored (nohup?): no child of it can "
                + "receive SIGHUP; run the build without nohup");
        String output = hangUp(probe(false));
        assertTrue(output.contains("reload ran"), output);
        assertFalse(output.contains("SIGHUP is ignored"), output);
    }

    @Test
    void anInheritedIgnoredHangupIsLoggedNotSilentlyLost() throws Exception {
        assumeTrue(Files.isExecutable(SH), "needs /bin/sh");
        Process process = probe(true);
        String output = hangUp(process);
        assertTrue(output.contains("SIGHUP is ignored by this process"), output);
        assertTrue(output.contains("policyctl reload"), output);
    }
}
