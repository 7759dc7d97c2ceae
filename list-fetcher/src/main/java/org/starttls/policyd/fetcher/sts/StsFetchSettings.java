package org.starttls.policyd.fetcher.sts;

import java.time.Duration;
import java.util.Objects;
import org.starttls.policyd.core.sts.StsPolicyParser;

/**
 * The limits of policy fetches ({@link HttpsStsPolicySource}). The defaults are the daemon's; only
 * tests change them (a policy host on a port of their own, a short deadline).
 *
 * @param port the policy hosts' HTTPS port: 443 (RFC 8461 section 3.3)
 * @param connectTimeout how long one TCP connect may take (each address of the host in turn)
 * @param deadline how long a whole fetch may take from the call: DNS, connects, handshake,
 *     response; a fetch still running then fails with {@link StsFailure#TIMEOUT} and its socket
 *     is closed, so a hung host cannot hold a thread longer
 * @param maxBodyBytes the largest policy file read; one byte more fails with {@link StsFailure#SIZE}
 * @param maxHeadBytes the largest status line and header block read
 * @param maxConcurrentFetches fetches in progress at once (and threads); one more fails at once
 *     with {@link StsFailure#BUSY}
 */
public record StsFetchSettings(int port, Duration connectTimeout, Duration deadline, int maxBodyBytes, int maxHeadBytes,
        int maxConcurrentFetches) {
    public static final int HTTPS_PORT = 443;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Inside RFC 8461 section 3.3's suggested minute, and long enough for a slow real host. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_FETCHES = 16;

    public StsFetchSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(deadline, "deadline");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
        }
        if (!isPositive(connectTimeout) || !isPositive(deadline)) {
            throw new IllegalArgumentException("the connect timeout and deadline must be positive");
        }
        if (maxBodyBytes < 1 || maxHeadBytes < 1 || maxConcurrentFetches < 1) {
            throw new IllegalArgumentException("the size limits and the number of fetches must be positive");
        }
    }

    /** Port 443, 10 s to connect, 30 s in all, 64 KiB of policy, 16 KiB of headers, 16 fetches at once. */
    public static StsFetchSettings defaults() {
        return new StsFetchSettings(HTTPS_PORT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE,
                StsPolicyParser.DEFAULT_MAX_BYTES, DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_CONCURRENT_FETCHES);
    }

    public StsFetchSettings withPort(int value) {
        return new StsFetchSettings(value, connectTimeout, deadline, maxBodyBytes, maxHeadBytes, maxConcurrentFetches);
    }

    public StsFetchSettings withConnectTimeout(Duration value) {
        return new StsFetchSettings(port, value, deadline, maxBodyBytes, maxHeadBytes, maxConcurrentFetches);
    }

    public StsFetchSettings withDeadline(Duration value) {
        return new StsFetchSettings(port, connectTimeout, value, maxBodyBytes, maxHeadBytes, maxConcurrentFetches);
    }

    public StsFetchSettings withMaxConcurrentFetches(int value) {
        return new StsFetchSettings(port, connectTimeout, deadline, maxBodyBytes, maxHeadBytes, value);
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
