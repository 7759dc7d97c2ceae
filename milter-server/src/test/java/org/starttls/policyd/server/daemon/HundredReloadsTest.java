package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * A hundred reloads of every kind (answer settings, newer lists, refused configurations, list
 * sources that lead nowhere) while Postfix-like clients keep querying over loopback: every
 * configuration is read on the control-plane thread (never on a door's event loop), a listed
 * domain is never NOTFOUND (nor TEMP), answers keep coming during the reloads, and threads,
 * connections and file descriptors stay bounded.
 *
 * <p>No wall-clock window decides the result: the request deadline is only a hang guard, generous
 * enough for a machine at a load average of 20 and more; what would stall the doors (reading a
 * configuration or loading a list on an event loop) is caught by the thread it runs on.
 */
class HundredReloadsTest {
    private static final int RELOADS = 100;
    private static final int CLIENTS = 4;
    /** A hang guard, not a timing window: a busy machine must not turn a slow answer into TEMP. */
    private static final int REQUEST_TIMEOUT_SECONDS = 30;
    private static final String LISTED = "listed.example";

    @TempDir
    Path dir;
    private Policyd daemon;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService load = Executors.newFixedThreadPool(CLIENTS);

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        load.shutdownNow();
        load.awaitTermination(10, TimeUnit.SECONDS);
        if (daemon != null) {
            daemon.close();
        }
    }

    /** What the clients saw. */
    private static final class Seen {
        final AtomicLong answers = new AtomicLong();
        final AtomicLong slowestNanos = new AtomicLong();
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    }

    private void writeList(Instant signedAt) {
        TestLists.signed(TestKeys.primary(), signedAt, signedAt, signedAt.plus(Duration.ofDays(14)),
                Map.of(LISTED, "mx.listed.example", "other.example", "mx.other.example")).writeTo(dir, "policy.json");
    }

    @Test
    void answersStayRightAndTimelyAndNothingLeaks() throws Exception {
        Instant signed = Instant.now().minusSeconds(3600);
        writeList(signed);
        PolicydConfig config = LocalDaemon.config(dir, dir.resolve("policy.json"));
        config.limits.requestTimeoutSeconds = REQUEST_TIMEOUT_SECONDS;
        AtomicReference<Object> next = new AtomicReference<>(DaemonSettings.from(config, null));
        ConcurrentLinkedQueue<String> readOn = new ConcurrentLinkedQueue<>();
        daemon = Policyd.start((DaemonSettings) next.get(), () -> {
            readOn.add(Thread.currentThread().getName());
            Object value = next.get();
            if (value instanceof ConfigException) {
                throw new Policyd.ConfigReloadException((ConfigException) value);
            }
            return (DaemonSettings) value;
        }, Clock.systemUTC());
        int port = LocalDaemon.port(daemon, "socketmap");
        Seen seen = new Seen();
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(load.submit(() -> query(port, seen)));
        }
        waitForAnswers(seen, 200);
        long answersBeforeReloads = seen.answers.get();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long fdsBefore = openFileDescriptors();

        String state = config.list.stateDir;
        String file = config.list.file;
        Files.createDirectories(dir.resolve("empty-state"));
        for (int i = 0; i < RELOADS; i++) {
            if (i % 10 == 3) {
                next.set(new ConfigException("policyd.yaml: policy.expired-list: \"maybe\" is not valid"));
            } else {
                config.socketmap.servername = i % 2 == 0;
                config.policy.testingDomains = i % 3 == 0 ? "enforce" : "report-only";
                boolean nowhere = i % 10 == 7;
                config.list.stateDir = nowhere ? dir.resolve("empty-state").toString() : state;
                config.list.file = nowhere ? dir.resolve("missing.json").toString() : file;
                if (i % 10 == 5) {
                    writeList(signed.plusSeconds(i));
                }
                next.set(DaemonSettings.from(config, null));
            }
            ReloadOutcome outcome = daemon.reloadAll().get(30, TimeUnit.SECONDS);
            assertEquals(i % 10 == 3, !outcome.reloaded(), "reload " + i + ": " + outcome);
        }
        long answersDuringReloads = seen.answers.get();
        waitForAnswers(seen, answersDuringReloads + 200);
        assertEquals(RELOADS, readOn.size(), "one configuration read per reload");
        assertEquals(List.of("policyd-control"), readOn.stream().distinct().toList(),
                "configurations are read on the control plane's thread, never on an event loop");

        running.set(false);
        for (Future<?> client : clients) {
            client.get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), List.copyOf(seen.wrong).subList(0, Math.min(10, seen.wrong.size())));
        assertTrue(answersDuringReloads > answersBeforeReloads, "answers during the reloads: "
                + (answersDuringReloads - answersBeforeReloads));
        assertTrue(seen.slowestNanos.get() < TimeUnit.SECONDS.toNanos(REQUEST_TIMEOUT_SECONDS),
                "slowest answer " + TimeUnit.NANOSECONDS.toMillis(seen.slowestNanos.get()) + " ms");
        assertBounded(threadsBefore, fdsBefore);
    }

    /** One Postfix smtp process's connection, reopened now and then as Postfix does. */
    private void query(int port, Seen seen) {
        int perConnection = 0;
        SocketmapClient client = null;
        try {
            while (running.get()) {
                if (client == null || ++perConnection % 100 == 0) {
                    if (client != null) {
                        client.close();
                    }
                    client = new SocketmapClient(port, (REQUEST_TIMEOUT_SECONDS + 5) * 1000);
                }
                boolean listed = perConnection % 2 == 0;
                long started = System.nanoTime();
                String reply = client.query(listed ? LISTED : "unlisted.example");
                long took = System.nanoTime() - started;
                seen.slowestNanos.accumulateAndGet(took, Math::max);
                seen.answers.incrementAndGet();
                boolean right = listed ? reply.startsWith("OK secure match=mx.listed.example") : reply.equals("NOTFOUND ");
                if (!right) {
                    seen.wrong.add((listed ? LISTED : "unlisted.example") + " -> " + reply);
                }
            }
        } catch (IOException e) {
            seen.wrong.add("client failed: " + e);
        } finally {
            if (client != null) {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // closing a socket the test is done with
                }
            }
        }
    }

    private static void waitForAnswers(Seen seen, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // a hang guard
        while (seen.answers.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(seen.answers.get() >= count, "only " + seen.answers.get() + " answers");
    }

    /** Open file descriptors of this JVM, or -1 where /proc is not there to tell. */
    private static long openFileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> entries = Files.list(fds)) {
            return entries.count();
        }
    }

    private void assertBounded(int threadsBefore, long fdsBefore) throws Exception {
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        assertTrue(threadsAfter <= threadsBefore + 4, "threads " + threadsBefore + " -> " + threadsAfter);
        // The server sees the clients' closes asynchronously; bounded wait.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang guard
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, openConnections(), "connections left open on the doors");
        long fdsAfter = openFileDescriptors();
        // Before: the clients' sockets were open too; a leak would be one or more per reload.
        assertTrue(fdsAfter <= fdsBefore + 10, "file descriptors " + fdsBefore + " -> " + fdsAfter);
    }

    private int openConnections() {
        return daemon.servers().stream().filter(s -> !s.name().equals("admin")).mapToInt(s -> s.openConnections()).sum();
    }
}
