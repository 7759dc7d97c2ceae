package org.starttls.policyd.server.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * MX and address lookups, blocking, through the daemon's {@link DnsClient} (never the JDK's
 * resolver) on a dnsjava {@link Resolver} handed in (the configured server, the system's, or a
 * test's). No cache of its own: probe results are cached per domain instead.
 */
public final class MxLookup {
    /** A domain with more MX records than this is probed on its most preferred ones only. */
    public static final int MAX_MX_HOSTS = 16;

    private final DnsClient dns;

    public MxLookup(Resolver resolver, Duration timeout) {
        this(new DnsClient(resolver, timeout, describe(resolver)));
    }

    /** On a client shared with other lookups (the eligibility check's MTA-STS and TLSA ones). */
    public MxLookup(DnsClient dns) {
        this.dns = dns;
    }

    /** The resolver for {@code address}, or the system's resolvers ({@code /etc/resolv.conf}) when null. */
    public static Resolver resolver(InetSocketAddress address) {
        return address == null ? new ExtendedResolver() : new SimpleResolver(address);
    }

    private static String describe(Resolver resolver) {
        return resolver instanceof SimpleResolver simple ? ResolverAddress.format(simple.getAddress())
                : "the system's resolvers (/etc/resolv.conf)";
    }

    /** The client these lookups go through. */
    public DnsClient client() {
        return dns;
    }

    /**
     * The domain's MXes by preference. No MX records but the name exists: the domain itself
     * (RFC 5321's implicit MX). A null MX (RFC 7505) gives an empty list.
     *
     * @throws DnsException when DNS gives no usable answer (timeout, SERVFAIL, no such domain)
     */
    public List<MxHost> mxHosts(String domain) throws DnsException {
        DnsLookup<Record> found = answer(dns.lookup(domain, Type.MX));
        if (found instanceof DnsLookup.NoData) {
            return List.of(new MxHost(domain, 0));
        }
        List<MxHost> hosts = new ArrayList<>();
        for (Record record : found.values()) {
            String target = hostName(((MXRecord) record).getTarget());
            if (!target.isEmpty()) {
                hosts.add(new MxHost(target, ((MXRecord) record).getPriority()));
            }
        }
        hosts.sort(Comparator.comparingInt(MxHost::preference).thenComparing(MxHost::name));
        return hosts.size() > MAX_MX_HOSTS ? List.copyOf(hosts.subList(0, MAX_MX_HOSTS)) : hosts;
    }

    /** IPv4 then IPv6 addresses of {@code host}; empty when it has none. */
    public List<InetAddress> addresses(String host) throws DnsException {
        return answer(dns.addresses(host)).values();
    }

    /** Waits for a lookup (the client completes it within its timeout); NXDOMAIN and failures throw. */
    private static <T> DnsLookup<T> answer(CompletableFuture<DnsLookup<T>> pending) throws DnsException {
        DnsLookup<T> lookup;
        try {
            lookup = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DnsException("DNS lookup failed: " + e.getCause());
        }
        if (lookup instanceof DnsLookup.NxDomain) {
            throw new DnsException(lookup.name() + " does not exist (NXDOMAIN)");
        }
        if (lookup instanceof DnsLookup.Failed<T> failed) {
            throw new DnsException(failed.detail());
        }
        return lookup;
    }

    private static String hostName(Name name) {
        if (name.equals(Name.root)) {
            return ""; // RFC 7505 null MX: the domain accepts no mail
        }
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    /** DNS gave no usable answer: no evidence about the domain's MXes. */
    public static final class DnsException extends Exception {
        private static final long serialVersionUID = 1L;

        public DnsException(String message) {
            super(message);
        }
    }
}
