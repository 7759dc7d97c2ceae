package org.starttls.policyd.fetcher.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the DNS client sends its queries and how long one lookup may take.
 *
 * @param resolver the recursive resolver to ask ({@code dns.resolver}), or null for the servers in
 *     the system's {@code /etc/resolv.conf}
 * @param timeout how long one lookup may take as a whole: every query it sends (a TCP retry after a
 *     truncated answer and the CNAMEs it follows included); past it the lookup fails with
 *     {@link DnsFailure#TIMEOUT}
 */
public record DnsSettings(InetSocketAddress resolver, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Longer would let one lookup hold a first-contact answer beyond every MTA's own timeout. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    public DnsSettings {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the DNS timeout must be more than 0 and at most "
                    + MAX_TIMEOUT.toSeconds() + " s, not " + timeout);
        }
        if (resolver != null && resolver.isUnresolved()) {
            throw new IllegalArgumentException("the resolver " + resolver + " must be an IP address");
        }
    }

    /** The system's resolvers ({@code /etc/resolv.conf}) with the default timeout. */
    public static DnsSettings system() {
        return new DnsSettings(null, DEFAULT_TIMEOUT);
    }

    /** {@code resolver} (null: the system's) with the default timeout. */
    public static DnsSettings of(InetSocketAddress resolver) {
        return new DnsSettings(resolver, DEFAULT_TIMEOUT);
    }

    public DnsSettings withTimeout(Duration newTimeout) {
        return new DnsSettings(resolver, newTimeout);
    }

    /** How an admin or a log line names the resolver. */
    public String describeResolver() {
        return resolver == null ? "the system's resolvers (/etc/resolv.conf)"
                : ResolverAddress.format(resolver);
    }
}
