package org.starttls.policyd.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Whether the daemon's log lines carry their own time stamp. Under systemd the journal stamps
 * every line itself, so a second stamp would only be noise; anywhere else (a terminal, a file, a
 * container's log driver) a line without a time cannot be matched with Postfix's log.
 *
 * <p>slf4j-simple reads its settings once, when the first logger is created: {@link #configure()}
 * must run before that.
 */
final class LogTimestamps {
    static final String SHOW_DATE_TIME = "org.slf4j.simpleLogger.showDateTime";
    static final String DATE_TIME_FORMAT = "org.slf4j.simpleLogger.dateTimeFormat";
    /** ISO 8601 with milliseconds and the UTC offset, e.g. 2026-05-02T14:03:07.412+02:00. */
    static final String ISO_8601 = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private LogTimestamps() {
    }

    /** Sets slf4j-simple's time stamp properties for this process; a {@code -D} given to the JVM wins. */
    static void configure() {
        configure(System.getProperties(), System.getenv("JOURNAL_STREAM"), stderrIdentity());
    }

    static void configure(Properties system, String journalStream, Optional<String> stderr) {
        if (system.getProperty(SHOW_DATE_TIME) != null) {
            return;
        }
        boolean stamp = wanted(journalStream, stderr);
        system.setProperty(SHOW_DATE_TIME, Boolean.toString(stamp));
        if (stamp && system.getProperty(DATE_TIME_FORMAT) == null) {
            system.setProperty(DATE_TIME_FORMAT, ISO_8601);
        }
    }

    /**
     * True unless standard error is the journal. systemd sets {@code JOURNAL_STREAM} to the
     * "DEVICE:INODE" of the journal stream it connected; children inherit the variable even when
     * their standard error goes elsewhere, so systemd.exec(5) asks programs to compare it with
     * their own standard error. When that cannot be read, the variable alone decides.
     */
    static boolean wanted(String journalStream, Optional<String> stderr) {
        if (journalStream == null || journalStream.isBlank()) {
            return true;
        }
        return stderr.map(own -> !own.equals(journalStream.trim())).orElse(false);
    }

    /** "DEVICE:INODE" of this process's standard error (Linux), as systemd writes JOURNAL_STREAM. */
    static Optional<String> stderrIdentity() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            return Optional.of(Files.getAttribute(fd2, "unix:dev") + ":" + Files.getAttribute(fd2, "unix:ino"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }
}
