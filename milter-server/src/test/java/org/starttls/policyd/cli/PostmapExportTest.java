package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.EffFixture;

/**
 * The exported Postfix table loaded by the real {@code postmap} (hash: type, a private config
 * directory so nothing system-wide is read) and queried back with {@code postmap -q}. Skipped
 * where Postfix is not installed, unless {@code -Dpolicyd.e2e.required=true}.
 */
class PostmapExportTest {
    private static final String REQUIRED_PROPERTY = "policyd.e2e.required";

    @TempDir
    Path dir;

    private static Path postmap() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin/postmap"), Path.of("/usr/local/sbin/postmap")));
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isBlank()) {
                candidates.add(Path.of(entry, "postmap"));
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            fail("postmap is not installed, and -D" + REQUIRED_PROPERTY + "=true demands this test");
        }
        Assumptions.abort("postmap is not installed; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
        throw new AssertionError("unreachable");
    }

    private String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish");
        }
        return process.exitValue() + ":" + output;
    }

    @Test
    void theRealPostmapLoadsTheTableAndReturnsEachEnforcedLine() throws Exception {
        Path postmap = postmap();
        Path list = dir.resolve("policy.json");
        Files.write(list, EffFixture.listBytes());
        Files.write(dir.resolve("policy.json.asc"), EffFixture.signatureBytes());
        Path config = Files.createDirectories(dir.resolve("postfix"));
        Files.writeString(config.resolve("main.cf"), "");
        Path table = dir.resolve("starttls-policy");

        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(EffFixture.CLOCK_IN_WINDOW, new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "export", "postfix", "--list", list.toString(), "--output", table.toString());
        assertEquals(0, exit, err.toString());

        assertEquals("0:", run(postmap.toString(), "-c", config.toString(), "hash:" + table));
        Map<String, EffListJson.Domain> eff = EffListJson.domains();
        int checked = 0;
        for (EffListJson.Domain domain : eff.values()) {
            String answer = run(postmap.toString(), "-c", config.toString(), "-q", domain.name(), "hash:" + table);
            if (domain.mode().equals("enforce")) {
                assertEquals("0:secure match=" + String.join(":", domain.mxs()) + " servername=hostname\n", answer,
                        domain.name());
            } else {
                assertEquals("1:", answer, domain.name() + " is a testing domain: not in the map");
            }
            if (++checked == 40) {
                break; // each query is a process; 40 domains cover both modes and aliases in the list's order
            }
        }
        assertEquals("0:secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com servername=hostname\n",
                run(postmap.toString(), "-c", config.toString(), "-q", "gmail.com", "hash:" + table));
    }
}
