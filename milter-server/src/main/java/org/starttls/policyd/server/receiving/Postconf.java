package org.starttls.policyd.server.receiving;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's settings as Postfix itself reads them: through {@code postconf -c DIR}, never by
 * parsing {@code main.cf} by hand ({@code $name} expansion, defaults, {@code -o} overrides and
 * version differences are Postfix's business). Each run has a time limit and a bounded output.
 */
public final class Postconf {
    /** Output of one postconf run kept; a whole main.cf with comments is far smaller. */
    static final int MAX_OUTPUT_BYTES = 1 << 20;
    static final Duration TIME_LIMIT = Duration.ofSeconds(30);

    private final Path command;
    private final Path configDirectory;

    public Postconf(Path command, Path configDirectory) {
        this.command = command;
        this.configDirectory = configDirectory;
    }

    /** postconf from /usr/sbin, /usr/local/sbin or the PATH, for {@code configDirectory}. */
    public static Postconf find(Path configDirectory) throws PostfixException {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin")));
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                candidates.add(Path.of(entry));
            }
        }
        for (Path dir : candidates) {
            if (Files.isExecutable(dir.resolve("postconf"))) {
                return new Postconf(dir.resolve("postconf"), configDirectory);
            }
        }
        throw new PostfixException("postconf not found in /usr/sbin, /usr/local/sbin or the PATH: is Postfix installed?");
    }

    public Path configDirectory() {
        return configDirectory;
    }

    /** The value Postfix uses for {@code parameter} ({@code postconf -xh}: defaults included, $names expanded). */
    public String value(String parameter) throws PostfixException {
        return run("-x", "-h", parameter).strip();
    }

    /** The parameters set explicitly in main.cf ({@code postconf -n}), with their values. */
    public Map<String, String> explicitSettings() throws PostfixException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : run("-n").split("\n")) {
            int equals = line.indexOf(" = ");
            if (equals > 0) {
                settings.put(line.substring(0, equals).strip(), line.substring(equals + 3).strip());
            } else if (line.endsWith(" =")) {
                settings.put(line.substring(0, line.length() - 2).strip(), "");
            }
        }
        return settings;
    }

    /** The services of master.cf, one normalized entry per element ({@code postconf -M}). */
    public List<String> masterServices() throws PostfixException {
        return run("-M").lines().filter(line -> !line.isBlank()).toList();
    }

    /** Sets parameters in main.cf ({@code postconf -e name=value ...}). */
    public void edit(Map<String, String> values) throws PostfixException {
        List<String> args = new ArrayList<>(List.of("-e"));
        values.forEach((name, value) -> args.add(name + "=" + value));
        run(args.toArray(String[]::new));
    }

    private String run(String... args) throws PostfixException {
        List<String> line = new ArrayList<>(List.of(command.toString(), "-c", configDirectory.toString()));
        line.addAll(List.of(args));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("postconf-", ".out");
            err = Files.createTempFile("postconf-", ".err");
            Process process = new ProcessBuilder(line).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new PostfixException(String.join(" ", line) + " did not finish within " + TIME_LIMIT.toSeconds() + "s");
            }
            String stdout = readBounded(out);
            if (process.exitValue() != 0) {
                String stderr = readBounded(err).strip();
                throw new PostfixException(String.join(" ", line) + " failed (exit " + process.exitValue() + ")"
                        + (stderr.isEmpty() ? "" : ": " + stderr));
            }
            return stdout;
        } catch (IOException e) {
            throw new PostfixException("cannot run " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostfixException("interrupted while running " + command);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String readBounded(Path file) throws IOException, PostfixException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_OUTPUT_BYTES + 1);
            if (bytes.length > MAX_OUTPUT_BYTES) {
                throw new PostfixException("postconf printed more than " + MAX_OUTPUT_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        }
    }

    /** postconf is missing, failed, or took too long. */
    public static final class PostfixException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        public PostfixException(String message) {
            super(message);
        }
    }
}
