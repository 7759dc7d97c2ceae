package org.starttls.policyd.server.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A private Postfix instance for one test class: own config, queue and data directories and log
 * file in a temporary directory, smtpd on a free port of 127.0.0.1, no DNS. Driven with Postfix's
 * own tools ({@code postfix -c}, {@code postqueue -c}, {@code postmap -c}), so the system-wide
 * Postfix and {@code /etc/postfix/main.cf} are never touched. {@link #close()} stops it and deletes
 * everything, and a shutdown hook does the same if the JVM dies first.
 */
final class PostfixInstance implements AutoCloseable {
    static final Duration COMMAND_TIME_LIMIT = Duration.ofSeconds(60);
    static final Duration START_TIME_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path root;
    private final Path commands;
    private final PostfixConfig config;
    private final CommandRunner runner;
    private final int smtpdPort;
    private final Thread stopOnExit = new Thread(this::stopQuietly, "postfix-e2e-stop");
    private boolean started;

    private PostfixInstance(String name, Path commands, Path root, int smtpdPort) {
        this.name = name;
        this.commands = commands;
        this.root = root;
        this.smtpdPort = smtpdPort;
        this.config = new PostfixConfig(root, smtpdPort);
        this.runner = new CommandRunner(root);
    }

    /** Creates (does not start) an instance; skips or fails the caller when Postfix is unavailable. */
    static PostfixInstance create(String name) throws IOException {
        Path commands = PostfixAvailability.commandDirectoryOrSkip();
        Path root = Files.createTempDirectory("policyd-postfix-" + name + "-");
        // Postfix's unprivileged processes must be able to walk into the queue and data directories.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new PostfixInstance(name, commands, root, unusedLoopbackPort());
    }

    /** {@code queue_directory}: where Postfix's daemons run, and the root of the chrooted ones. */
    Path queueDirectory() {
        return config.queueDirectory();
    }

    int smtpdPort() {
        return smtpdPort;
    }

    /** {@code config_directory}: what {@code postconf -c} and policyctl's {@code --postfix-config-dir} take. */
    Path configDirectory() {
        return config.configDirectory();
    }

    /** Where {@code postfix}, {@code postconf} and {@code posttls-finger} live. */
    Path commandDirectory() {
        return commands;
    }

    /** A scratch directory that {@link #close()} deletes with the instance (certificates, hooks). */
    Path scratchDirectory() throws IOException {
        return Files.createDirectories(root.resolve("scratch"));
    }

    /** Runs one of Postfix's tools with {@code -c} of this instance, e.g. {@code postfix reload}. */
    CommandResult run(String tool, String... args) {
        return tool(tool, args);
    }

    /** Sets a {@code main.cf} parameter; only before {@link #start()}. */
    void setMain(String parameter, String value) {
        requireNotStarted();
        config.setMain(parameter, value);
    }

    /** Adds a {@code master.cf} entry, e.g. {@code "sink unix - - y - - smtp -o smtp_tcp_port=2526"}. */
    void addService(String masterCfEntry) {
        requireNotStarted();
        config.addService(masterCfEntry);
    }

    /** Makes {@code hostname} resolve to 127.0.0.1 for the chrooted delivery agents. */
    void resolveToLoopback(String hostname) {
        requireNotStarted();
        config.addLocalHostName(hostname);
    }

    /**
     * Makes the chrooted delivery agents ask {@code address} port 53 for DNS, with the AD bit
     * trusted: for {@code smtp_host_lookup = dns} and {@code smtp_dns_support_level = dnssec}.
     */
    void useNameServer(InetAddress address) {
        requireNotStarted();
        config.setNameServer(address);
    }

    void start() throws IOException {
        requireNotStarted();
        config.write();
        started = true;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        CommandResult result = postfix("start");
        if (!result.succeeded()) {
            // Postfix reports most start-up problems only in its log, not on stderr.
            throw new IllegalStateException(result.describe() + "\n--- " + config.logFile() + " ---\n" + log());
        }
        Polling.until(START_TIME_LIMIT, this::smtpdGreeting, () -> "no 220 greeting on port " + smtpdPort + "\n" + log());
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
            return accepted.queueId().orElseThrow(() -> new IllegalStateException("end of DATA -> " + accepted));
        }
    }

    /** Asks the queue manager to retry every deferred message now ({@code postqueue -f}). */
    void flush() {
        tool("postqueue", "-f").orThrow();
    }

    /** The queue as {@code postqueue -j} reports it. */
    List<QueuedMessage> queue() {
        String json = tool("postqueue", "-j").orThrow().stdout();
        List<QueuedMessage> messages = new ArrayList<>();
        for (String line : json.split("\n")) {
            if (!line.isBlank()) {
                try {
                    messages.add(JSON.readValue(line, QueuedMessage.class));
                } catch (IOException e) {
                    throw new UncheckedIOException("unreadable postqueue -j line: " + line, e);
                }
            }
        }
        return messages;
    }

    Optional<QueuedMessage> queued(String queueId) {
        return queue().stream().filter(m -> m.queueId().equals(queueId)).findFirst();
    }

    QueuedMessage awaitQueued(String queueId, Predicate<QueuedMessage> state, Duration timeout) {
        return Polling.until(timeout, () -> queued(queueId).filter(state),
                () -> "queue " + queueId + " never reached the expected state; queue: " + queue() + "\n" + log());
    }

    /** Postfix's log so far (maillog_file). */
    String log() {
        try {
            return Files.exists(config.logFile()) ? Files.readString(config.logFile()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<DeliveryAttempt> deliveryAttempts() {
        return log().lines().map(DeliveryAttempt::parse).flatMap(Optional::stream).toList();
    }

    /** Waits for the delivery agent's first logged attempt (sent, deferred, bounced) for a recipient. */
    DeliveryAttempt awaitDeliveryAttempt(String queueId, String recipient, Duration timeout) {
        return awaitDeliveryAttempt(queueId, recipient, 1, timeout);
    }

    /** Waits for the {@code nth} (from 1) logged delivery attempt of a queued message to a recipient. */
    DeliveryAttempt awaitDeliveryAttempt(String queueId, String recipient, int nth, Duration timeout) {
        return Polling.until(timeout,
                () -> deliveryAttempts().stream()
                        .filter(a -> a.queueId().equals(queueId) && a.recipient().equalsIgnoreCase(recipient))
                        .skip(nth - 1L)
                        .findFirst(),
                () -> "no delivery attempt #" + nth + " for " + queueId + " to " + recipient + " in the log:\n" + log());
    }

    /**
     * {@code postmap -q KEY TABLE} through this instance's config: the value, or empty when the
     * table has no entry. A lookup error (Postfix exits 1 and says why on stderr) is thrown.
     */
    Optional<String> postmapQuery(String table, String key) {
        CommandResult result = tool("postmap", "-q", key, table);
        if (result.succeeded()) {
            return Optional.of(result.stdout().strip());
        }
        if (result.exitCode() == 1 && result.stderr().isBlank()) {
            return Optional.empty();
        }
        throw new IllegalStateException(result.describe());
    }

    @Override
    public void close() throws IOException {
        try {
            stopQuietly();
            if (started) {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            keepLogForDiagnosis();
        } finally {
            deleteRecursively(root);
        }
    }

    private void stopQuietly() {
        if (!started || !running()) {
            return;
        }
        postfix("stop");
        try {
            Polling.until(START_TIME_LIMIT, () -> running() ? Optional.empty() : Optional.of(true), () -> "still running");
        } catch (AssertionError stillRunning) {
            postfix("abort"); // kills the master and its children without waiting for them
        }
    }

    private boolean running() {
        return postfix("status").succeeded();
    }

    private CommandResult postfix(String verb) {
        return tool("postfix", verb);
    }

    private CommandResult tool(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(commands.resolve(tool).toString(), "-c",
                config.configDirectory().toString()));
        command.addAll(List.of(args));
        return runner.run(COMMAND_TIME_LIMIT, command);
    }

    private Optional<Boolean> smtpdGreeting() {
        try (SmtpTestClient smtp = SmtpTestClient.connect(smtpdPort, Duration.ofSeconds(5))) {
            boolean ready = smtp.greeting().code() == 220;
            smtp.command("QUIT");
            return ready ? Optional.of(true) : Optional.empty();
        } catch (IOException notYet) {
            return Optional.empty();
        }
    }

    /** Keeps Postfix's log under target/ (when run from a module directory) for a failed CI run. */
    private void keepLogForDiagnosis() throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target) && Files.exists(config.logFile())) {
            Path logs = Files.createDirectories(target.resolve("postfix-e2e-logs"));
            Files.copy(config.logFile(), logs.resolve(name + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("configure the instance before start()");
        }
    }

    /** A port on 127.0.0.1 that nothing listened on a moment ago. */
    static int unusedLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
