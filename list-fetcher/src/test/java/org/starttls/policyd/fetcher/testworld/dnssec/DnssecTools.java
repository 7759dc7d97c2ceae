package org.starttls.policyd.fetcher.testworld.dnssec;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the Debian programs the DNSSEC world runs: NSD (authoritative), unbound (resolver) and
 * ldnsutils (keys and signing). Without them the tests are skipped, so {@code mvn verify} works
 * anywhere; CI sets {@value #REQUIRED_PROPERTY}{@code =true} so a missing program is a failure,
 * never a silent skip.
 */
public final class DnssecTools {
    public static final String REQUIRED_PROPERTY = "policyd.e2e.required";
    /** The one directory to find the programs in, when not in {@code /usr/sbin}, {@code /usr/bin} or on the PATH. */
    public static final String COMMAND_DIRECTORY_PROPERTY = "policyd.e2e.dnssec.commands";
    /** The Debian packages that hold the programs, for the skip message. */
    static final String PACKAGES = "nsd unbound ldnsutils";

    private final Path nsd;
    private final Path unbound;
    private final Path ldnsKeygen;
    private final Path ldnsSignzone;

    private DnssecTools(Map<String, Path> found) {
        this.nsd = found.get("nsd");
        this.unbound = found.get("unbound");
        this.ldnsKeygen = found.get("ldns-keygen");
        this.ldnsSignzone = found.get("ldns-signzone");
    }

    /** Call from {@code @BeforeAll} (or let {@link DnssecWorld.Builder#start()} call it). */
    public static DnssecTools findOrSkip() {
        Map<String, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("nsd", "unbound", "ldns-keygen", "ldns-signzone")) {
            find(tool).ifPresentOrElse(path -> found.put(tool, path), () -> missing.add(tool));
        }
        if (missing.isEmpty()) {
            return new DnssecTools(found);
        }
        String problem = "the DNSSEC test world needs " + missing + " (Debian packages " + PACKAGES
                + "), not found in " + candidates();
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            fail(problem + ", and -D" + REQUIRED_PROPERTY + "=true demands these tests");
        }
        Assumptions.abort(problem + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
        throw new AssertionError("unreachable");
    }

    Path nsd() {
        return nsd;
    }

    Path unbound() {
        return unbound;
    }

    Path ldnsKeygen() {
        return ldnsKeygen;
    }

    Path ldnsSignzone() {
        return ldnsSignzone;
    }

    private static Optional<Path> find(String tool) {
        return candidates().stream().map(dir -> dir.resolve(tool)).filter(Files::isExecutable).findFirst();
    }

    private static List<Path> candidates() {
        String configured = System.getProperty(COMMAND_DIRECTORY_PROPERTY, "");
        if (!configured.isBlank()) {
            return List.of(Path.of(configured)); // an explicit choice is not second-guessed
        }
        List<Path> dirs = new ArrayList<>(List.of(Path.of("/usr/sbin"), Path.of("/usr/bin")));
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isBlank() && !dirs.contains(Path.of(entry))) {
                dirs.add(Path.of(entry));
            }
        }
        return dirs;
    }
}
