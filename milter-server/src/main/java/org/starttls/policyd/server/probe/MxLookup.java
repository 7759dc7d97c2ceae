package org.starttls.policyd.server.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * MX and address lookups through a dnsjava {@link Resolver} handed in (the configured server,
 * the system's, or a test's). No cache of its own: probe results are cached per domain instead.
 */
public final class MxLookup {
    /** A domain with more MX records than this is probed on its most preferred ones only. */
    public static final int MAX_MX_HOSTS = 16;

    private final LookupSession session;
    private final Duration timeout;

    public MxLookup(Resolver resolver, Duration timeout) {
        resolver.setTimeout(timeout);
        this.session = LookupSession.builder().resolver(resolver).build();
        this.timeout = timeout;
    }

    /** The resolver for {@code address}, or the system's resolvers ({@code /etc/resolv.conf}) when null. */
    public static Resolver resolver(InetSocketAddress address) {
        return address == null ? new ExtendedResolver() : new SimpleResolver(address);
    }

    /**
     * The domain's MXes by preference. No MX records but the name exists: the domain itself
     * (RFC 5321's implicit MX). A null MX (RFC 7505) gives an empty list.
     *
     * @throws DnsException when DNS gives no usable answer (timeout, SERVFAIL, no such domain)
     */
    public List<MxHost> mxHosts(String domain) throws DnsException {
        List<Record> records;
        try {
            records = lookup(domain, Type.MX);
        } catch (NoSuchRRSetException e) {
            return List.of(new MxHost(domain, 0));
        }
        if (records.stream().noneMatch(MXRecord.class::isInstance)) {
            return List.of(new MxHost(domain, 0)); // NOERROR without MX records, as dnsjava may also report it
        }
        List<MxHost> hosts = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof MXRecord mx) {
                String target = hostName(mx.getTarget());
                if (!target.isEmpty()) {
                    hosts.add(new MxHost(target, mx.getPriority()));
                }
            }
        }
        hosts.sort(Comparator.comparingInt(MxHost::preference).thenComparing(MxHost::name));
        return hosts.size() > MAX_MX_HOSTS ? List.copyOf(hosts.subList(0, MAX_MX_HOSTS)) : hosts;
    }

    /** IPv4 then IPv6 addresses of {@code host}; empty when it has none. */
    public List<InetAddress> addresses(String host) throws DnsException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                for (Record record : lookup(host, type)) {
                    if (record instanceof ARecord a) {
                        addresses.add(a.getAddress());
                    } else if (record instanceof AAAARecord aaaa) {
                        addresses.add(aaaa.getAddress());
                    }
                }
            } catch (NoSuchRRSetException e) {
                // this family has no address; the other may
            }
        }
        return addresses;
    }

    private List<Record> lookup(String name, int type) throws DnsException, NoSuchRRSetException {
        Name query;
        try {
            query = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new DnsException("\"" + name + "\" is not a DNS name");
        }
        try {
            LookupResult result = session.lookupAsync(query, type).toCompletableFuture()
                    .get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            return result.getRecords();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof NoSuchRRSetException noRecords) {
                throw noRecords;
            }
            if (cause instanceof NoSuchDomainException) {
                throw new DnsException(name + " does not exist (NXDOMAIN)");
            }
            throw new DnsException(Type.string(type) + " lookup of " + name + " failed: " + cause);
        } catch (TimeoutException e) {
            throw new DnsException(Type.string(type) + " lookup of " + name + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsException(Type.string(type) + " lookup of " + name + " interrupted");
        }
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
