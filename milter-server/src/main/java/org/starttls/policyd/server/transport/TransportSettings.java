package org.starttls.policyd.server.transport;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
 * @param maxConnections connections served at once; one more is closed on arrival with a log line
 * @param idleTimeout a connection with nothing read or written for this long is closed
 * @param requestTimeout a request whose first byte arrived this long ago and is still incomplete closes the connection
 * @param unixSocketMode permissions of a unix socket file (owner-only by default)
 * @param readBufferBytes fixed size of each socket read, or 0 for Netty's adaptive sizing (tests pin small sizes)
 */
public record TransportSettings(int maxConnections, Duration idleTimeout, Duration requestTimeout,
        Set<PosixFilePermission> unixSocketMode, int readBufferBytes) {

    public static final TransportSettings DEFAULTS = new TransportSettings(1_024, Duration.ofSeconds(300),
            Duration.ofSeconds(10), PosixFilePermissions.fromString("rw-------"), 0);

    public TransportSettings {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(unixSocketMode, "unixSocketMode");
        unixSocketMode = unixSocketMode.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(unixSocketMode));
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
        return new TransportSettings(value, idleTimeout, requestTimeout, unixSocketMode, readBufferBytes);
    }

    public TransportSettings withIdleTimeout(Duration value) {
        return new TransportSettings(maxConnections, value, requestTimeout, unixSocketMode, readBufferBytes);
    }

    public TransportSettings withRequestTimeout(Duration value) {
        return new TransportSettings(maxConnections, idleTimeout, value, unixSocketMode, readBufferBytes);
    }

    public TransportSettings withUnixSocketMode(Set<PosixFilePermission> value) {
        return new TransportSettings(maxConnections, idleTimeout, requestTimeout, value, readBufferBytes);
    }

    public TransportSettings withReadBufferBytes(int value) {
        return new TransportSettings(maxConnections, idleTimeout, requestTimeout, unixSocketMode, value);
    }
}
