package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;

/**
 * Runs libmilter's own test MTA, Debian's {@code miltertest}, against the real door: an independent
 * implementation of the MTA side checks our framing, negotiation and replies. Skipped where
 * {@code miltertest} is not installed, unless {@code -Dpolicyd.e2e.required=true} (as
 * {@code .ci/run} sets, after installing it) turns that into a failure.
 */
class MiltertestTest {
    private static final Path MILTERTEST = Path.of("/usr/bin/miltertest");
    private static final String REQUIRED_PROPERTY = "policyd.e2e.required";

    @Test
    void miltertestDialoguePasses(@TempDir Path dir) throws Exception {
        requireMiltertest();
        Path script = dir.resolve("dialogue.lua");
        try (InputStream in = getClass().getResourceAsStream("miltertest-dialogue.lua")) {
            Files.write(script, in.readAllBytes());
        }
        try (EventLoops loops = EventLoops.create(1, true);
                RunningServer server = MilterServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"),
                        MilterServer.TRANSPORT_DEFAULTS, MilterSettings.DEFAULTS.withHeaderTagging(true), new TestDecider())) {
            Process process = new ProcessBuilder(MILTERTEST.toString(), "-D", "port=" + server.port(),
                    "-s", script.toString())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "miltertest did not finish");
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("miltertest dialogue: PASS"), output);
        }
    }

    private static void requireMiltertest() {
        if (Files.isExecutable(MILTERTEST)) {
            return;
        }
        String problem = "miltertest is not installed (" + MILTERTEST + ")";
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            fail(problem + ", and -D" + REQUIRED_PROPERTY + "=true demands this test");
        }
        Assumptions.abort(problem + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
    }
}
