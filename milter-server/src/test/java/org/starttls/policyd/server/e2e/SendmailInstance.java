package org.starttls.policyd.server.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Sendmail 8.17 for one test class: its own {@code sendmail.cf} (built with m4 from the
 * unpacked {@code cf/} macros), queue, alias file and SMTP trace in a temporary directory, its
 * daemon on a free port of 127.0.0.1, and its own host name and {@code /etc/hosts}
 * ({@link PrivateHost}) so no DNS is needed. Sendmail runs as {@code sendmail -C FILE}, never
 * installed, so the system's Postfix and {@code /etc/mail} are never touched.
 *
 * <p>The daemon runs in the foreground ({@code -bD}) as the first process of a PID namespace:
 * {@link #close()} ends it, and the kernel then ends every delivery process it forked. There is no
 * syslog here; what Sendmail reports per delivery attempt is read from the queue file
 * ({@link SendmailQueueFile}) and from the transcript of a queue run ({@link #runQueue(String)}).
 */
final class SendmailInstance implements AutoCloseable {
    static final Duration COMMAND_TIME_LIMIT = Duration.ofSeconds(60);
    static final Duration START_TIME_LIMIT = Duration.ofSeconds(30);
    /** Sendmail's answer to the end of DATA: {@code 250 2.0.0 6B21A7se014964 Message accepted for delivery}. */
    private static final Pattern ACCEPTED = Pattern.compile("^2\\.0\\.0 ([0-9A-Za-z]+) Message accepted for delivery");
    /** What {@code sendmail -bt} prints for {@code /map NAME KEY}. */
    private static final Pattern MAP_RESULT = Pattern.compile(
            "map_lookup: (\\S+) \\((.*)\\) (?:returns (.*) \\((\\d+)\\)|no match \\((\\d+)\\))");

    private final String name;
    private final SendmailInstallation sendmail;
    private final Path root;
    private final SendmailConfig config;
    private final CommandRunner runner;
    private final int smtpdPort;
    private final Thread stopOnExit = new Thread(this::stopQuietly, "sendmail-e2e-stop");
    private PrivateHost host;
    private Process daemon;

    private SendmailInstance(String name, SendmailInstallation sendmail, Path root, int smtpdPort) {
        this.name = name;
        this.sendmail = sendmail;
        this.root = root;
        this.smtpdPort = smtpdPort;
        this.config = new SendmailConfig(root, sendmail.cfDirectory(), smtpdPort);
        this.runner = new CommandRunner(root);
    }

    /** Creates (does not start) an instance; skips or fails the caller when Sendmail is unavailable. */
    static SendmailInstance create(String name) throws IOException {
        return create(name, SendmailAvailability.installationOrSkip());
    }

    static SendmailInstance create(String name, SendmailInstallation sendmail) throws IOException {
        Path root = Files.createTempDirectory("policyd-sendmail-" + name + "-");
        return new SendmailInstance(name, sendmail, root, PostfixInstance.unusedLoopbackPort());
    }

    int smtpdPort() {
        return smtpdPort;
    }

    /** Every delivery goes to this port of the recipient domain's address (127.0.0.1). */
    void deliverToPort(int port) {
        requireNotStarted();
        config.deliverToPort(port);
    }

    /** Adds {@code FEATURE(`sts', `DEFINITION')}, e.g. {@code socket -d5 -T<TMPF> inet:5461@127.0.0.1}. */
    void stsMap(String definition) {
        requireNotStarted();
        config.stsMap(definition);
    }

    /** Verifies receivers' certificates against these CA certificates (PEM) instead of none. */
    void trustCertificates(Path pemFile) {
        requireNotStarted();
        config.trustCertificates(pemFile);
    }

    /**
     * Adds an input mail filter for the main listener, {@code equates} as in {@code
     * INPUT_MAIL_FILTER} (e.g. {@code S=inet:5463@127.0.0.1, F=T}).
     */
    void inputMilter(String filterName, String equates) {
        requireNotStarted();
        config.addMilter(filterName, equates, true);
    }

    /** Adds a listener on a new port whose only mail filter is {@code equates}; returns the port. */
    int addListenerWithMilter(String filterName, String equates) throws IOException {
        requireNotStarted();
        config.addMilter(filterName, equates, false);
        int port = PostfixInstance.unusedLoopbackPort();
        config.addListener(port, List.of(filterName));
        return port;
    }

    /** Makes {@code hostname} resolve to 127.0.0.1 for Sendmail. */
    void resolveToLoopback(String hostname) {
        requireNotStarted();
        config.addLoopbackName(hostname);
    }

    void start() throws IOException {
        requireNotStarted();
        config.write();
        host = PrivateHost.write(root, SendmailConfig.HOSTNAME, config.loopbackNames());
        CommandResult m4 = runner.run(COMMAND_TIME_LIMIT,
                List.of(sendmail.m4().toString(), config.mcFile().toString()));
        if (!m4.succeeded() || !m4.stderr().isBlank()) {
            throw new IllegalStateException("m4 could not build sendmail.cf: " + m4.describe());
        }
        Files.writeString(config.cfFile(), m4.stdout());
        sendmailTool("-bi").orThrow(); // newaliases: without an alias database every message only queues
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        daemon = new ProcessBuilder(host.wrapAsContainer(sendmail.unshare(), sendmailCommand("-bD",
                "-X", config.traceFile().toString())))
                .redirectInput(new File("/dev/null"))
                .redirectOutput(root.resolve("daemon.out").toFile())
                .redirectErrorStream(true)
                .start();
        Polling.until(START_TIME_LIMIT, this::smtpdGreeting,
                () -> "no 220 greeting on port " + smtpdPort + "\n" + daemonOutput() + "\n" + trace());
    }

    /** Submits a message over SMTP and returns its queue ID; fails on any non-positive reply. */
    String submit(String from, String to, String message) throws IOException {
        try (SmtpTestClient smtp = SmtpTestClient.connect(smtpdPort, COMMAND_TIME_LIMIT)) {
            for (String command : List.of("EHLO client.test", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">")) {
                SmtpReply reply = smtp.command(command);
                if (!reply.isPositive()) {
                    throw new IllegalStateException(command + " -> " + reply);
                }
            }
            SmtpReply accepted = smtp.data(message);
            smtp.command("QUIT");
            return queueIdIn(accepted).orElseThrow(() -> new IllegalStateException("end of DATA -> " + accepted));
        }
    }

    static Optional<String> queueIdIn(SmtpReply endOfData) {
        Matcher m = ACCEPTED.matcher(endOfData.text());
        return endOfData.code() == 250 && m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The message's queue file, or empty once it left the queue (delivered or bounced). */
    Optional<SendmailQueueFile> queued(String queueId) {
        try {
            return Optional.of(SendmailQueueFile.parse(queueId,
                    // Sendmail stores macros as 8-bit codes in header lines: read bytes as bytes.
                    Files.readString(config.queueDirectory().resolve("qf" + queueId), StandardCharsets.ISO_8859_1)));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until Sendmail recorded at least {@code attempts} failed delivery attempts of a queued message. */
    SendmailQueueFile awaitAttempts(String queueId, int attempts, Duration timeout) {
        return Polling.until(timeout, () -> {
            Optional<SendmailQueueFile> file = queued(queueId);
            if (file.isEmpty()) {
                throw new AssertionError(queueId + " left the queue; SMTP trace:\n" + trace());
            }
            return file.filter(f -> f.attempts() >= attempts);
        }, () -> queueId + " never had " + attempts + " attempt(s): " + queued(queueId) + "\n" + trace());
    }

    /**
     * Runs the queue for one message in the foreground ({@code sendmail -v -qI<ID>}): Sendmail's own
     * report of the attempt, per recipient, e.g. {@code <a@b>... Deferred: 403 4.7.0 ...}.
     */
    CommandResult runQueue(String queueId) {
        return sendmailTool("-v", "-qI" + queueId).orThrow();
    }

    /**
     * {@code /map NAME KEY} in Sendmail's address test mode ({@code sendmail -bt}): the value, or
     * empty for "no match". A lookup that fails otherwise (e.g. a temporary failure) is thrown.
     */
    Optional<String> mapLookup(String map, String key) {
        CommandResult result = runner.run(COMMAND_TIME_LIMIT, host.wrap(sendmail.unshare(), sendmailCommand("-bt")),
                "/map " + map + " " + key + "\n").orThrow();
        return mapLookupResult(result.stdout());
    }

    /** The result of one {@code /map} command in {@code sendmail -bt}'s output (see {@link #mapLookup}). */
    static Optional<String> mapLookupResult(String testModeOutput) {
        Matcher m = MAP_RESULT.matcher(testModeOutput);
        if (!m.find()) {
            throw new IllegalStateException("no map_lookup line in: " + testModeOutput);
        }
        if (m.group(3) != null) {
            return Optional.of(m.group(3));
        }
        if (m.group(5).equals("68")) { // EX_NOHOST: the map has no such key
            return Optional.empty();
        }
        throw new IllegalStateException("the lookup failed with exit status " + m.group(5) + ": " + testModeOutput);
    }

    /**
     * What ruleset {@code ruleset} returns for {@code input} in address test mode, with the given
     * macros defined and class members added first (as a delivery would have them), in Sendmail's
     * tokenised form, e.g. {@code ok} or {@code $# error $@ 4 . 7 . 0 $: 450 ...}.
     */
    String ruleset(String ruleset, String input, Map<String, String> macros, Map<String, String> classMembers) {
        StringBuilder commands = new StringBuilder();
        macros.forEach((macro, value) -> commands.append(".D{").append(macro).append('}').append(value).append('\n'));
        classMembers.forEach((c, member) -> commands.append(".C{").append(c).append('}').append(member).append('\n'));
        commands.append(ruleset).append(' ').append(input).append('\n');
        CommandResult result = runner.run(COMMAND_TIME_LIMIT, host.wrap(sendmail.unshare(), sendmailCommand("-bt")),
                commands.toString()).orThrow();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(ruleset) + "\\s+returns: (.*)$").matcher(result.stdout());
        String last = null;
        while (m.find()) {
            last = m.group(1).strip();
        }
        if (last == null) {
            throw new IllegalStateException("ruleset " + ruleset + " returned nothing: " + result.describe());
        }
        return last;
    }

    /** Every SMTP line Sendmail sent and received so far (its {@code -X} trace). */
    String trace() {
        return readIfPresent(config.traceFile());
    }

    private String daemonOutput() {
        return readIfPresent(root.resolve("daemon.out"));
    }

    private static String readIfPresent(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CommandResult sendmailTool(String... args) {
        return runner.run(COMMAND_TIME_LIMIT, host.wrap(sendmail.unshare(), sendmailCommand(args)));
    }

    private List<String> sendmailCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(sendmail.binary().toString(), "-C", config.cfFile().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Optional<Boolean> smtpdGreeting() {
        if (!daemon.isAlive()) {
            throw new IllegalStateException("Sendmail exited with " + daemon.exitValue() + ":\n" + daemonOutput());
        }
        try (SmtpTestClient smtp = SmtpTestClient.connect(smtpdPort, Duration.ofSeconds(5))) {
            boolean ready = smtp.greeting().code() == 220;
            smtp.command("QUIT");
            return ready ? Optional.of(true) : Optional.empty();
        } catch (IOException notYet) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stopQuietly();
            if (daemon != null) {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            keepTraceForDiagnosis();
        } finally {
            deleteRecursively(root);
        }
    }

    /**
     * Stops the daemon with SIGTERM (it is the namespace's first process: when it ends, the kernel
     * ends the rest), then kills the namespace's unshare if that did not suffice.
     */
    private void stopQuietly() {
        if (daemon == null || !daemon.isAlive()) {
            return;
        }
        daemon.toHandle().children().forEach(ProcessHandle::destroy);
        try {
            if (!daemon.waitFor(START_TIME_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(START_TIME_LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the SMTP trace under target/ (when run from a module directory) for a failed CI run. */
    private void keepTraceForDiagnosis() throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target) && Files.exists(config.traceFile())) {
            Path logs = Files.createDirectories(target.resolve("sendmail-e2e-logs"));
            Files.copy(config.traceFile(), logs.resolve(name + ".trace"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void requireNotStarted() {
        if (daemon != null) {
            throw new IllegalStateException("configure the instance before start()");
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
