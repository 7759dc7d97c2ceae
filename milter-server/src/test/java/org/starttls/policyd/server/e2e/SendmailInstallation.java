package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sendmail unpacked from Debian's packages ({@code sendmail-bin}, {@code sendmail-cf}) under
 * {@link #root()}, never installed: the binary, the {@code cf/} macros, and what the binary was
 * compiled with, as {@code sendmail -d0.13} prints it.
 */
final class SendmailInstallation {
    static final Duration PROBE_TIME_LIMIT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("(?m)^Version (\\S+)");
    /** The "Compiled with:", "OS Defines:" and "FFR Defines:" blocks, up to the next heading. */
    private static final Pattern OPTION_BLOCK = Pattern.compile(
            "(?m)^\\s*(?:Compiled with|FFR Defines):((?:.*\\n)(?:\\t\\t.*\\n)*)");

    private final Path root;
    private final Path m4;
    private final Path unshare;
    private String version = "?";
    private Set<String> compileOptions = Set.of();

    SendmailInstallation(Path root, Path m4, Path unshare) {
        this.root = root;
        this.m4 = m4;
        this.unshare = unshare;
    }

    static Path binaryUnder(Path root) {
        return root.resolve("usr/libexec/sendmail/sendmail");
    }

    static Path cfDirectoryUnder(Path root) {
        return root.resolve("usr/share/sendmail/cf");
    }

    Path root() {
        return root;
    }

    Path binary() {
        return binaryUnder(root);
    }

    Path cfDirectory() {
        return cfDirectoryUnder(root);
    }

    Path m4() {
        return m4;
    }

    Path unshare() {
        return unshare;
    }

    String version() {
        return version;
    }

    /** e.g. {@code MILTER}, {@code SOCKETMAP}, {@code STARTTLS}, {@code _FFR_MTA_STS}. */
    Set<String> compileOptions() {
        return compileOptions;
    }

    /**
     * Runs the binary once, in a private host, to read its version and compile options; returns
     * why it cannot run (missing libraries, no namespaces), or null.
     */
    String checkRuns() {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("policyd-sendmail-probe-");
            PrivateHost host = PrivateHost.write(scratch, SendmailConfig.HOSTNAME, List.of());
            CommandResult result = new CommandRunner(scratch).run(PROBE_TIME_LIMIT, host.wrap(unshare,
                    List.of(binary().toString(), "-d0.13", "-bt", "-C", "/dev/null")));
            Matcher v = VERSION.matcher(result.stdout());
            if (!v.find()) {
                return "Sendmail at " + binary() + " does not run here: " + result.describe();
            }
            version = v.group(1);
            compileOptions = parseCompileOptions(result.stdout());
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (scratch != null) {
                SendmailInstance.deleteRecursively(scratch);
            }
        }
    }

    static Set<String> parseCompileOptions(String debugOutput) {
        Set<String> options = new LinkedHashSet<>();
        Matcher block = OPTION_BLOCK.matcher(debugOutput);
        while (block.find()) {
            for (String word : block.group(1).trim().split("\\s+")) {
                options.add(word.replaceFirst("=.*", ""));
            }
        }
        return Set.copyOf(options);
    }
}
