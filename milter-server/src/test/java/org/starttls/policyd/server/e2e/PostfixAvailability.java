package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether the Postfix end-to-end tests can run here. Without Postfix they are skipped, so
 * a developer's {@code mvn verify} works anywhere; CI sets {@value #REQUIRED_PROPERTY}{@code =true}
 * so a missing Postfix is a failure, never a silent skip.
 */
final class PostfixAvailability {
    static final String REQUIRED_PROPERTY = "policyd.e2e.required";
    /** Where Postfix's command-line tools live, when not in {@code /usr/sbin} or on the PATH. */
    static final String COMMAND_DIRECTORY_PROPERTY = "policyd.e2e.postfix.commands";

    private static final List<String> TOOLS = List.of("postfix", "postqueue", "postmap");

    private PostfixAvailability() {}

    /** Call from {@code @BeforeAll}: returns Postfix's command directory, skips, or fails loudly. */
    static Path commandDirectoryOrSkip() {
        Optional<Path> directory = findCommandDirectory();
        String problem = null;
        if (directory.isEmpty()) {
            problem = "Postfix is not installed (no executable " + TOOLS + " in " + candidates() + ")";
        } else if (new UnixSystem().getUid() != 0) {
            // "postfix start" is reserved for the super-user; a private instance still needs root.
            problem = "the Postfix tests must run as root to start a private Postfix instance";
        }
        if (problem == null) {
            return directory.orElseThrow();
        }
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            fail(problem + ", and -D" + REQUIRED_PROPERTY + "=true demands these tests");
        }
        Assumptions.abort(problem + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> findCommandDirectory() {
        return candidates().stream()
                .filter(dir -> TOOLS.stream().allMatch(tool -> Files.isExecutable(dir.resolve(tool))))
                .findFirst();
    }

    private static List<Path> candidates() {
        List<Path> dirs = new ArrayList<>();
        String configured = System.getProperty(COMMAND_DIRECTORY_PROPERTY, "");
        if (!configured.isBlank()) {
            dirs.add(Path.of(configured));
            return dirs; // an explicit choice is not second-guessed
        }
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/usr/local/sbin"));
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry));
            }
        }
        return dirs;
    }
}
