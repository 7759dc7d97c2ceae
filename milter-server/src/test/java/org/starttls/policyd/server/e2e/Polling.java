package org.starttls.policyd.server.e2e;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for a state of an external process (Postfix's queue, its log, its listening port). Those
 * offer no event to block on, so this probes until a deadline; the pause between probes is the
 * only sleep in the harness.
 */
final class Polling {
    static final Duration PROBE_INTERVAL = Duration.ofMillis(50);

    private Polling() {}

    static <T> T until(Duration timeout, Supplier<Optional<T>> probe, Supplier<String> whatWasSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> result = probe.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("gave up after " + timeout + ": " + whatWasSeen.get());
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(PROBE_INTERVAL.toNanos(), deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
    }
}
