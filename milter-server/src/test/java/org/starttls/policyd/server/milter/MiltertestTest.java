package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs libmilter's own test MTA, Debian's {@code miltertest}, against the real server: an
 * independent implementation of the MTA side checks our framing, negotiation and replies.
 * Skipped where {@code miltertest} is not installed.
 */
class MiltertestTest {
    private static final Path MILTERTEST = Path.of("/usr/bin/miltertest");

    @Test
    void miltertestDialoguePasses(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(MILTERTEST), "miltertest is not installed");
        Path script = dir.resolve("dialogue.lua");
        try (InputStream in = getClass().getResourceAsStream("miltertest-dialogue.lua")) {
            Files.write(script, in.readAllBytes());
        }
        try (MilterServer server = new MilterServer(new TestDecider(), MilterSettings.defaults(), null, 1)) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
            Process process = new ProcessBuilder(MILTERTEST.toString(), "-D", "port=" + address.getPort(),
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
}
