package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.starttls.policyd.core.testing.TestLists;

/** Runs policyctl's publishing commands (keygen, list sign) as a publisher would, for the tests that check the result. */
public final class OwnLists {
    /** What one policyctl run printed and returned. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private OwnLists() {
    }

    public static Clock at(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    public static Run policyctl(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // A default configuration file that does not exist: the machine's own never leaks in.
        int exit = PolicyCtl.run(clock, Path.of("/nonexistent/policyd.yaml"), new PrintWriter(out, true),
                new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@code policyctl keygen} into {@code dir}, which must succeed; returns the key directory. */
    public static Path keygen(Clock clock, Path dir, String name, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "keygen";
        args[1] = "--name=" + name;
        args[2] = "--output";
        args[3] = dir.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        Run run = policyctl(clock, args);
        assertEquals(0, run.exit(), run.toString());
        return dir;
    }

    /** A list file in EFF's format, each domain with one MX pattern. */
    public static Path writeList(Path file, Instant timestamp, Instant expires, Map<String, String> domainToMx)
            throws java.io.IOException {
        Files.writeString(file, TestLists.json(timestamp, expires, domainToMx));
        return file;
    }

    /** {@code policyctl list sign --key KEYDIR/private.asc LIST}, which must succeed; returns LIST.asc. */
    public static Path sign(Clock clock, Path keyDir, Path list) {
        Run run = policyctl(clock, "list", "sign", "--key", keyDir.resolve("private.asc").toString(), list.toString());
        assertEquals(0, run.exit(), run.toString());
        return Path.of(list + ".asc");
    }
}
