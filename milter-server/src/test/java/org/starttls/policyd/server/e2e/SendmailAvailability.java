package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether the Sendmail end-to-end tests can run here, and finds the Sendmail they run.
 *
 * <p>Debian's {@code sendmail-bin} cannot be installed beside Postfix (both provide
 * {@code mail-transport-agent}), so these tests use the package's files unpacked into a private
 * directory ({@code .ci/run} does it with {@code apt-get download} and {@code dpkg-deb -x}), by
 * default {@value #DEFAULT_ROOT}, else {@code -D}{@value #ROOT_PROPERTY}. Without it (or without root,
 * {@code m4}, or Linux namespaces) they are skipped; with {@code -D}{@value
 * PostfixAvailability#REQUIRED_PROPERTY}{@code =true} they fail instead.
 */
final class SendmailAvailability {
    static final String ROOT_PROPERTY = "policyd.e2e.sendmail.root";
    /** Where {@code .ci/run} unpacks Debian's sendmail-bin and sendmail-cf. */
    static final String DEFAULT_ROOT = "/opt/starttls-policyd-e2e/sendmail";

    private static final List<String> HOST_TOOLS = List.of("m4", "unshare", "mount", "hostname");
    private static SendmailInstallation probed;

    private SendmailAvailability() {}

    /** Call from {@code @BeforeAll}: returns the installation, skips, or fails loudly. */
    static synchronized SendmailInstallation installationOrSkip() {
        if (probed == null) {
            String problem = problem();
            if (problem != null) {
                skipOrFail(problem);
            }
            SendmailInstallation installation = new SendmailInstallation(root(), tool("m4").orElseThrow(),
                    tool("unshare").orElseThrow());
            String cannotRun = installation.checkRuns();
            if (cannotRun != null) {
                skipOrFail(cannotRun);
            }
            probed = installation;
        }
        return probed;
    }

    /** Skips or fails unless this Sendmail was compiled with every one of {@code options}. */
    static SendmailInstallation requireCompiledWith(SendmailInstallation installation, Set<String> options) {
        List<String> missing = options.stream().filter(o -> !installation.compileOptions().contains(o))
                .sorted().toList();
        if (!missing.isEmpty()) {
            skipOrFail("Sendmail " + installation.version() + " at " + installation.root() + " was compiled without "
                    + missing + " (sendmail -d0.13 says " + installation.compileOptions() + ")");
        }
        return installation;
    }

    private static String problem() {
        Path root = root();
        if (!Files.isExecutable(SendmailInstallation.binaryUnder(root))
                || !Files.isRegularFile(SendmailInstallation.cfDirectoryUnder(root).resolve("m4/cf.m4"))) {
            return "Sendmail is not unpacked in " + root + " (no executable " + SendmailInstallation.binaryUnder(root)
                    + " or no cf/m4/cf.m4; .ci/run unpacks Debian's sendmail-bin and sendmail-cf there, or set -D"
                    + ROOT_PROPERTY + ")";
        }
        List<String> missing = HOST_TOOLS.stream().filter(t -> tool(t).isEmpty()).toList();
        if (!missing.isEmpty()) {
            return "the Sendmail tests need " + missing + " on the PATH";
        }
        if (new UnixSystem().getUid() != 0) {
            // A private mount and UTS namespace (own /etc/hosts and host name) needs the super-user.
            return "the Sendmail tests must run as root to give Sendmail its own host name and /etc/hosts";
        }
        return null;
    }

    private static void skipOrFail(String problem) {
        if (Boolean.getBoolean(PostfixAvailability.REQUIRED_PROPERTY)) {
            fail(problem + ", and -D" + PostfixAvailability.REQUIRED_PROPERTY + "=true demands these tests");
        }
        Assumptions.abort(problem + "; skipping (set -D" + PostfixAvailability.REQUIRED_PROPERTY
                + "=true to fail instead)");
    }

    private static Path root() {
        return Path.of(System.getProperty(ROOT_PROPERTY, DEFAULT_ROOT));
    }

    private static Optional<Path> tool(String name) {
        List<Path> dirs = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry));
            }
        }
        dirs.addAll(List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"), Path.of("/sbin")));
        return dirs.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }
}
