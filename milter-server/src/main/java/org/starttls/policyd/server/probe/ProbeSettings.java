package org.starttls.policyd.server.probe;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the downgrade probe runs. {@link #DISABLED} holds the defaults, which {@code PolicydConfig}
 * reads (probing connects to remote MXes, so an admin must opt in); its EHLO name stands in for
 * the config's empty {@code ehlo-name}, which means this host's name.
 *
 * @param enabled whether policyd probes at all
 * @param resolver the DNS server to ask, or null for the system's resolvers
 * @param port the SMTP port probed on each MX (25; tests use another)
 * @param ehloName the name sent in EHLO
 * @param connectTimeout TCP connect limit per address
 * @param commandTimeout limit for each SMTP reply, the TLS handshake's reads, and each DNS query
 * @param probeTimeout limit for one MX from connect to QUIT; the socket is closed when it passes
 * @param goodLifetime how long a SECURE result is kept
 * @param badLifetime how long a DOWNGRADE or UNKNOWN result is kept
 * @param maxConcurrentProbes domains probed at once; more wait in a bounded queue
 * @param waitBudget how long a door may wait for a probe on a cache miss; zero: answer from what is known
 * @param trustStore PEM bundle of trusted CA certificates, or null for the JDK's
 */
public record ProbeSettings(boolean enabled, InetSocketAddress resolver, int port, String ehloName,
        Duration connectTimeout, Duration commandTimeout, Duration probeTimeout, Duration goodLifetime,
        Duration badLifetime, int maxConcurrentProbes, Duration waitBudget, Path trustStore) {

    public static final int DEFAULT_PORT = 25;
    /** The EHLO name when none is given (the daemon's config default, empty, means this host's name). */
    public static final String DEFAULT_EHLO_NAME = "localhost";

    public static final ProbeSettings DISABLED = new ProbeSettings(false, null, DEFAULT_PORT, DEFAULT_EHLO_NAME, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofMinutes(5), 8, Duration.ZERO,
            null);

    public ProbeSettings {
        ehloName = ehloName(ehloName);
        for (Duration d : new Duration[] {connectTimeout, commandTimeout, probeTimeout, goodLifetime, badLifetime}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and lifetimes must be positive");
            }
        }
        if (waitBudget == null || waitBudget.isNegative()) {
            throw new IllegalArgumentException("waitBudget must be zero or positive");
        }
        if (port < 1 || port > 65535 || maxConcurrentProbes < 1) {
            throw new IllegalArgumentException("port or maxConcurrentProbes out of range");
        }
    }

    /**
     * A host name fit for EHLO (letters, digits, '-' and '.', at most 255 characters; a single
     * label such as {@code localhost} is allowed), lower-cased; {@link IllegalArgumentException} if not.
     */
    public static String ehloName(String name) {
        Objects.requireNonNull(name, "ehloName");
        String lower = name.strip().toLowerCase(java.util.Locale.ROOT);
        if (lower.isEmpty() || lower.length() > 255 || lower.startsWith(".") || lower.endsWith(".")
                || lower.contains("..") || !lower.chars().allMatch(ch -> ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9'
                        || ch == '-' || ch == '.')) {
            throw new IllegalArgumentException("\"" + name + "\" is not a host name for EHLO");
        }
        return lower;
    }

    /** Whether a door may block waiting for a probe (and so must decide off its event loop). */
    public boolean waits() {
        return enabled && !waitBudget.isZero();
    }

    public ProbeSettings withEnabled(boolean value) {
        return new ProbeSettings(value, resolver, port, ehloName, connectTimeout, commandTimeout, probeTimeout,
                goodLifetime, badLifetime, maxConcurrentProbes, waitBudget, trustStore);
    }

    public ProbeSettings withResolver(InetSocketAddress value) {
        return new ProbeSettings(enabled, value, port, ehloName, connectTimeout, commandTimeout, probeTimeout,
                goodLifetime, badLifetime, maxConcurrentProbes, waitBudget, trustStore);
    }

    public ProbeSettings withPort(int value) {
        return new ProbeSettings(enabled, resolver, value, ehloName, connectTimeout, commandTimeout, probeTimeout,
                goodLifetime, badLifetime, maxConcurrentProbes, waitBudget, trustStore);
    }

    public ProbeSettings withTimeouts(Duration connect, Duration command, Duration probe) {
        return new ProbeSettings(enabled, resolver, port, ehloName, connect, command, probe, goodLifetime, badLifetime,
                maxConcurrentProbes, waitBudget, trustStore);
    }

    public ProbeSettings withLifetimes(Duration good, Duration bad) {
        return new ProbeSettings(enabled, resolver, port, ehloName, connectTimeout, commandTimeout, probeTimeout, good,
                bad, maxConcurrentProbes, waitBudget, trustStore);
    }

    public ProbeSettings withWaitBudget(Duration value) {
        return new ProbeSettings(enabled, resolver, port, ehloName, connectTimeout, commandTimeout, probeTimeout,
                goodLifetime, badLifetime, maxConcurrentProbes, value, trustStore);
    }

    public ProbeSettings withTrustStore(Path value) {
        return new ProbeSettings(enabled, resolver, port, ehloName, connectTimeout, commandTimeout, probeTimeout,
                goodLifetime, badLifetime, maxConcurrentProbes, waitBudget, value);
    }

    public ProbeSettings withEhloName(String value) {
        return new ProbeSettings(enabled, resolver, port, value, connectTimeout, commandTimeout, probeTimeout,
                goodLifetime, badLifetime, maxConcurrentProbes, waitBudget, trustStore);
    }
}
