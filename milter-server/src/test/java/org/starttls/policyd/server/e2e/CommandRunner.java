package org.starttls.policyd.server.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the MTAs' command-line tools with a time limit. Output goes to files, not pipes: {@code
 * postfix start} leaves the master daemon running with the same stdout/stderr, and a pipe would
 * then never reach end-of-file.
 */
final class CommandRunner {
    private final Path scratchDirectory;
    private int sequence;

    CommandRunner(Path scratchDirectory) {
        this.scratchDirectory = scratchDirectory;
    }

    synchronized CommandResult run(Duration timeLimit, List<String> command) {
        return run(timeLimit, command, null);
    }

    /** As {@link #run(Duration, List)}, with {@code input} (when not null) on the command's stdin. */
    synchronized CommandResult run(Duration timeLimit, List<String> command, String input) {
        int id = ++sequence;
        Path out = scratchDirectory.resolve("cmd-" + id + ".out");
        Path err = scratchDirectory.resolve("cmd-" + id + ".err");
        Path in = scratchDirectory.resolve("cmd-" + id + ".in");
        try {
            if (input != null) {
                Files.writeString(in, input, StandardCharsets.UTF_8);
            }
            Process process = new ProcessBuilder(command)
                    .redirectInput(input != null ? in.toFile() : new File("/dev/null"))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeLimit);
            }
            Files.deleteIfExists(in);
            return new CommandResult(command, process.exitValue(), readAndDelete(out), readAndDelete(err));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String readAndDelete(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.delete(file);
        return text;
    }
}
