package org.starttls.policyd.fetcher;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for one download: how long to wait and how much to accept. A list server is not trusted
 * (only the signature is), so every one of these bounds what a hostile or broken server can cost.
 *
 * @param connectTimeout how long to wait for the TCP (and TLS) connection
 * @param readTimeout how long the server may go without sending anything once asked
 * @param totalTimeout the whole exchange, redirects and body included
 * @param maxListBytes the largest list body accepted, enforced while streaming
 * @param maxSignatureBytes the largest signature body accepted
 * @param maxRedirects how many redirects are followed before giving up
 */
public record FetchSettings(Duration connectTimeout, Duration readTimeout, Duration totalTimeout,
        long maxListBytes, long maxSignatureBytes, int maxRedirects) {
    /** The last EFF list was 121 KiB; 8 MiB (the config file's max-bytes default) leaves room and still bounds memory. */
    public static final long DEFAULT_MAX_LIST_BYTES = 8L * 1024 * 1024;
    /** An armored detached signature is well under 1 KiB; 64 KiB tolerates large keys. */
    public static final long DEFAULT_MAX_SIGNATURE_BYTES = 64L * 1024;
    public static final int DEFAULT_MAX_REDIRECTS = 3;

    public static final FetchSettings DEFAULTS = new FetchSettings(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(2), DEFAULT_MAX_LIST_BYTES, DEFAULT_MAX_SIGNATURE_BYTES, DEFAULT_MAX_REDIRECTS);

    public FetchSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (maxListBytes < 1 || maxSignatureBytes < 1) {
            throw new IllegalArgumentException("size limits must be at least 1 byte");
        }
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must be 0 or more");
        }
    }

    public FetchSettings withMaxListBytes(long bytes) {
        return new FetchSettings(connectTimeout, readTimeout, totalTimeout, bytes, maxSignatureBytes, maxRedirects);
    }

    public FetchSettings withTimeouts(Duration connect, Duration read, Duration total) {
        return new FetchSettings(connect, read, total, maxListBytes, maxSignatureBytes, maxRedirects);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
