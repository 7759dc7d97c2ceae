package org.starttls.policyd.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTimestampsTest {
    private static final String STAMPED = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) (INFO|WARN|ERROR) .*";
    private static final String UNSTAMPED = "^(INFO|WARN|ERROR) .*";

    @Test
    void outsideJournaldEveryLineIsStamped() {
        assertTrue(LogTimestamps.wanted(null, Optional.of("25:1234")));
        assertTrue(LogTimestamps.wanted("", Optional.empty()));
    }

    @Test
    void underJournaldTheJournalStampsTheLines() {
        assertFalse(LogTimestamps.wanted("25:1234", Optional.of("25:1234")));
        assertFalse(LogTimestamps.wanted("25:1234\n", Optional.of("25:1234")));
    }

    @Test
    void anInheritedJournalStreamWithStandardErrorElsewhereIsStamped() {
        // e.g. "policyd ... 2>/var/log/policyd.log" run from a shell inside a systemd service
        assertTrue(LogTimestamps.wanted("25:1234", Optional.of("65024:99")));
    }

    @Test
    void whenStandardErrorCannotBeIdentifiedTheVariableDecides() {
        assertFalse(LogTimestamps.wanted("25:1234", Optional.empty()));
    }

    @Test
    void configureSetsAnIsoFormatOnlyWhenStamping() {
        Properties outside = new Properties();
        LogTimestamps.configure(outside, null, Optional.empty());
        assertEquals("true", outside.getProperty(LogTimestamps.SHOW_DATE_TIME));
        assertEquals(LogTimestamps.ISO_8601, outside.getProperty(LogTimestamps.DATE_TIME_FORMAT));

        Properties journald = new Properties();
        LogTimestamps.configure(journald, "25:1234", Optional.of("25:1234"));
        assertEquals("false", journald.getProperty(LogTimestamps.SHOW_DATE_TIME));
        assertNull(journald.getProperty(LogTimestamps.DATE_TIME_FORMAT));
    }

    @Test
    void anOperatorsJvmSettingWins() {
        Properties chosen = new Properties();
        chosen.setProperty(LogTimestamps.SHOW_DATE_TIME, "false");
        LogTimestamps.configure(chosen, null, Optional.empty());
        assertEquals("false", chosen.getProperty(LogTimestamps.SHOW_DATE_TIME));
        assertNull(chosen.getProperty(LogTimestamps.DATE_TIME_FORMAT));
    }

    @Test
    void standardErrorIsIdentifiedAsSystemdWritesIt() {
        assumeTrue(Files.exists(Path.of("/proc/self/fd/2")), "needs Linux /proc");
        Optional<String> identity = LogTimestamps.stderrIdentity();
        assertTrue(identity.isPresent() && identity.get().matches("\\d+:\\d+"), identity.toString());
    }

    /** The daemon itself, in a child JVM: its first log line, outside and under a (pretend) journal. */
    @Test
    void theDaemonsLogLinesCarryATimeStampOnlyOutsideTheJournal(@TempDir Path dir) throws Exception {
        String outside = firstLogLine(dir, null);
        assertTrue(outside.matches(STAMPED), outside);
        // JOURNAL_STREAM naming the child's own stderr: a file whose device and inode the test knows.
        String journald = firstLogLine(dir, "journal");
        assertTrue(journald.matches(UNSTAMPED), journald);
    }

    private static String firstLogLine(Path dir, String journalStreamFile) throws IOException, InterruptedException {
        Path config = dir.resolve("policyd.yaml");
        Files.writeString(config, "admin:\n  listen: 127.0.0.1:0\nmetrics:\n  enabled: false\n", UTF_8);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PolicydMain.class.getName(),
                "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--socketmap-listen", "127.0.0.1:0", "--policy-listen", "127.0.0.1:0"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JOURNAL_STREAM");
        Path stderr = dir.resolve("stderr-" + (journalStreamFile == null ? "outside" : journalStreamFile));
        Files.createFile(stderr);
        if (journalStreamFile != null) {
            builder.environment().put("JOURNAL_STREAM",
                    Files.getAttribute(stderr, "unix:dev") + ":" + Files.getAttribute(stderr, "unix:ino"));
        }
        builder.redirectError(stderr.toFile());
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String text = Files.readString(stderr, UTF_8);
                if (text.indexOf('\n') >= 0) {
                    return text.substring(0, text.indexOf('\n'));
                }
                if (!process.isAlive()) {
                    throw new AssertionError("policyd exited " + process.exitValue() + " without a log line");
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
            throw new AssertionError("no log line within 60 s");
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
