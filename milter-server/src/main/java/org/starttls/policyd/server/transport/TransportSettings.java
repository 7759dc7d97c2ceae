package org.starttls.policyd.server.transport;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How one listening door treats its connections. The defaults are in {@link #DEFAULTS}, in one
 * place.
 *
 * <p>Postfix keeps an idle socketmap connection for about 10 s and reuses it, and the policy
 * delegation client keeps its connection for many requests, so a merely idle connection is kept
 * for {@code idleTimeout} (long); only a request that has started and not finished is held to the
 * short {@code requestTimeout}, which stops a client that trickles bytes from holding a slot.
 *
 * @param maxConnections connections served at once; at the limit a newcomer takes the place of the
 *     connection idle the longest (failing that, the one with a request half-sent the longest past a short
 *     grace), and is refused only when every connection awaits an answer or is within that grace
 * @param idleTimeout a connection with nothing read or written for this long is closed
 * @param requestTimeout a request whose first byte arrived this long ago and is still incomplete closes the connection
 * @param unixSocketMode permissions of a unix socket file (owner-only by default)
 * @param unixSocketGroup the group a unix socket file is given after bind, or null for the daemon's own group
 * @param readBufferBytes fixed size of each socket read, or 0 for Netty's adaptive sizing (tests pin small sizes)
 */
public record TransportSettings(int maxConnections, Duration idleTimeout, Duration requestTimeout,
        Set<PosixFilePermission> unixSocketMode, String unixSocketGroup, int readBufferBytes) {

    /** The default of {@code limits.max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** The default of {@code limits.idle-timeout-seconds}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    /** The default of {@code limits.request-timeout-seconds}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The mode of a unix socket unless a door says otherwise: owner only (the admin socket's). */
    public static final String DEFAULT_SOCKET_MODE = "0600";
    /**
     * The default of {@code socketmap/policy-service/milter.socket-mode}: owner and group, so the
     * MTA reaches the door through the socket's group ({@code socket-group}).
     */
    public static final String DEFAULT_DOOR_SOCKET_MODE = "0660";

    public static final TransportSettings DEFAULTS = new TransportSettings(DEFAULT_MAX_CONNECTIONS,
            DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, parseMode(DEFAULT_SOCKET_MODE), null, 0);

    public TransportSettings {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(unixSocketMode, "unixSocketMode");
        unixSocketMode = unixSocketMode.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(unixSocketMode));
        if (unixSocketGroup != null && unixSocketGroup.isBlank()) {
            unixSocketGroup = null;
        }
        if (readBufferBytes < 0) {
            throw new IllegalArgumentException("readBufferBytes must not be negative, got " + readBufferBytes);
        }
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Parses an octal mode such as {@code 0600} or {@code 660} (permission bits only). */
    public static Set<PosixFilePermission> parseMode(String octal) {
        if (octal == null || !octal.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("invalid socket mode \"" + octal + "\": expected octal like 0600 or 0660");
        }
        int bits = Integer.parseInt(octal, 8);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
        };
        Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << (8 - i))) != 0) {
                result.add(order[i]);
            }
        }
        return result;
    }

    public TransportSettings withMaxConnections(int value) {
        return new TransportSettings(value, idleTimeout, requestTimeout, unixSocketMode, unixSocketGroup, readBufferBytes);
    }

    public TransportSettings withIdleTimeout(Duration value) {
        return new TransportSettings(maxConnections, value, requestTimeout, unixSocketMode, unixSocketGroup, readBufferBytes);
    }

    public TransportSettings withRequestTimeout(Duration value) {
        return new TransportSettings(maxConnections, idleTimeout, value, unixSocketMode, unixSocketGroup, readBufferBytes);
    }

    public TransportSettings withUnixSocketMode(Set<PosixFilePermission> value) {
        return new TransportSettings(maxConnections, idleTimeout, requestTimeout, value, unixSocketGroup, readBufferBytes);
    }

    /** @param value a group name, or null for the daemon's own group */
    public TransportSettings withUnixSocketGroup(String value) {
        return new TransportSettings(maxConnections, idleTimeout, requestTimeout, unixSocketMode, value, readBufferBytes);
    }

    public TransportSettings withReadBufferBytes(int value) {
        return new TransportSettings(maxConnections, idleTimeout, requestTimeout, unixSocketMode, unixSocketGroup, value);
    }
}
