package org.starttls.policyd.server;

import java.util.Properties;

/**
 * How often the daemon's Netty checks a buffer for a leak. Netty's default checks one buffer in
 * 128 and records a stack trace for each one it checks; at the socketmap door's rates those traces
 * were 2-4% of the I/O threads' own (user) CPU time (docs/benchmarks.md), for a check that only
 * matters when a leak exists. One in {@value #DAEMON_INTERVAL} still reports a leak that happens on
 * every request within a minute of ordinary traffic, and the tests, which start the doors in their
 * own JVM, keep Netty's default.
 *
 * <p>Netty reads the setting once, when its leak detector is first loaded: {@link #configure()}
 * must run before the daemon touches Netty.
 */
final class LeakDetectionSampling {
    static final String SAMPLING_INTERVAL = "io.netty.leakDetection.samplingInterval";
    static final int DAEMON_INTERVAL = 4096;

    private LeakDetectionSampling() {
    }

    /** Sets the daemon's sampling interval for this process; a {@code -D} given to the JVM wins. */
    static void configure() {
        configure(System.getProperties());
    }

    static void configure(Properties system) {
        if (system.getProperty(SAMPLING_INTERVAL) == null) {
            system.setProperty(SAMPLING_INTERVAL, Integer.toString(DAEMON_INTERVAL));
        }
    }
}
