package org.starttls.policyd.fetcher.dane;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAccumulator;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.starttls.policyd.core.dane.MxHostEvidence;
import org.starttls.policyd.core.dane.TlsaRecord;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.SecureAnswer;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * Gathers what DANE needs for a destination domain (RFC 7672 §2.2): the MX RRset (no MX: the domain
 * itself; the null MX: nothing more), then for each MX host its A and AAAA RRsets and its TLSA RRset
 * at {@code _25._tcp.HOST}, each with its DNSSEC security, asked in parallel (and for a host that is
 * a validated CNAME, the TLSA RRset of the expanded name, asked after).
 *
 * <p>The future completes normally, within the lookups' timeouts.
 */
public final class DaneEvidenceCollector {
    /**
     * MX hosts looked at, lowest preference first. Postfix tries a few of them; the rest never decide
     * whether mail goes out, so a domain with hundreds of MX records costs no more than this.
     */
    public static final int MAX_MX_HOSTS = 16;

    private final DnsClient lookups;

    public DaneEvidenceCollector(DnsClient lookups) {
        this.lookups = Objects.requireNonNull(lookups, "lookups");
    }

    /**
     * @param domain the destination domain (no trailing dot)
     * @param validation the resolver's last validation check; evidence from a resolver that does not
     *     validate says so, and never gives {@code dane-only}
     */
    public CompletableFuture<DaneEvidence> collect(String domain, ValidationStatus validation) {
        return collectTimed(domain, validation).thenApply(TimedEvidence::evidence);
    }

    /**
     * The evidence with how long it may be kept: the lowest TTL of the answers that made it (failed
     * lookups have none), or {@code Long.MAX_VALUE} when no answer carried one; callers clamp it.
     */
    public CompletableFuture<TimedEvidence> collectTimed(String domain, ValidationStatus validation) {
        LongAccumulator ttl = new LongAccumulator(Math::min, Long.MAX_VALUE);
        return collect(domain, validation, ttl).thenApply(evidence -> new TimedEvidence(evidence, ttl.get()));
    }

    /** Evidence and the lowest TTL of the answers it rests on. */
    public record TimedEvidence(DaneEvidence evidence, long ttlSeconds) {
        public TimedEvidence {
            Objects.requireNonNull(evidence, "evidence");
        }
    }

    private CompletableFuture<DaneEvidence> collect(String domain, ValidationStatus validation, LongAccumulator ttl) {
        boolean validates = validation.validates() && lookups.trustsAd();
        return ask(domain, Type.MX, ttl).thenCompose(mx -> {
            if (mx.failed()) {
                return CompletableFuture.completedFuture(
                        new DaneEvidence(domain, validates, mx.security(), false, List.of()));
            }
            List<String> hosts = hosts(mx);
            if (hosts == null) {
                return CompletableFuture.completedFuture(
                        new DaneEvidence(domain, validates, mx.security(), true, List.of()));
            }
            List<CompletableFuture<MxHostEvidence>> perHost = hosts.stream().map(host -> host(host, ttl)).toList();
            return CompletableFuture.allOf(perHost.toArray(CompletableFuture[]::new))
                    .thenApply(done -> new DaneEvidence(domain, validates, mx.security(), false,
                            perHost.stream().map(CompletableFuture::join).toList()));
        });
    }

    /** The MX hosts by preference, the domain itself without MX, none for NXDOMAIN; null for the null MX. */
    private static List<String> hosts(SecureAnswer mx) {
        if (mx.records().isEmpty()) {
            return mx.nxDomain() ? List.of() : List.of(mx.canonicalName());
        }
        List<MXRecord> records = new ArrayList<>();
        for (Record record : mx.records()) {
            records.add((MXRecord) record);
        }
        // RFC 7505: a null MX is the only MX record; "." among others is just not a host.
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return null;
        }
        records.sort(Comparator.comparingInt(MXRecord::getPriority));
        Set<String> hosts = new LinkedHashSet<>();
        for (MXRecord record : records) {
            if (!record.getTarget().equals(Name.root) && hosts.size() < MAX_MX_HOSTS) {
                hosts.add(record.getTarget().toString(true).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return List.copyOf(hosts);
    }

    private CompletableFuture<MxHostEvidence> host(String host, LongAccumulator ttl) {
        CompletableFuture<SecureAnswer> v4 = ask(host, Type.A, ttl);
        CompletableFuture<SecureAnswer> v6 = ask(host, Type.AAAA, ttl);
        CompletableFuture<SecureAnswer> tlsa = ask(tlsaName(host), Type.TLSA, ttl);
        return CompletableFuture.allOf(v4, v6, tlsa).thenCompose(done -> {
            DnssecSecurity address = combined(v4.join().security(), v6.join().security());
            if (address == DnssecSecurity.INSECURE) {
                // RFC 7672 §2.2.2: no DANE for a host whose addresses are not validated; its TLSA
                // lookup, whatever came of it, is not used.
                return CompletableFuture.completedFuture(
                        new MxHostEvidence(host, address, DnssecSecurity.INSECURE, List.of()));
            }
            String expanded = expandedName(host, v4.join(), v6.join());
            if (address != DnssecSecurity.SECURE || expanded.equals(host)) {
                return CompletableFuture.completedFuture(evidence(host, address, tlsa.join()));
            }
            // RFC 7672 §2.2.2: behind a validated CNAME the TLSA base is the expanded name first,
            // then the MX host name as written.
            return ask(tlsaName(expanded), Type.TLSA, ttl).thenApply(atExpanded ->
                    evidence(host, address, atExpanded.security() == DnssecSecurity.SECURE
                            && atExpanded.records().isEmpty() ? tlsa.join() : atExpanded));
        });
    }

    /** One lookup whose TTL, when it answered, bounds how long the evidence may be kept. */
    private CompletableFuture<SecureAnswer> ask(String name, int type, LongAccumulator ttl) {
        return lookups.lookupSecure(name, type).thenApply(answer -> {
            if (!answer.failed()) {
                ttl.accumulate(answer.ttlSeconds());
            }
            return answer;
        });
    }

    private static MxHostEvidence evidence(String host, DnssecSecurity address, SecureAnswer tlsa) {
        List<TlsaRecord> records = tlsa.failed() ? List.of() : tlsa.records().stream()
                .map(record -> (TLSARecord) record)
                .map(r -> new TlsaRecord(r.getCertificateUsage(), r.getSelector(), r.getMatchingType(),
                        r.getCertificateAssociationData()))
                .toList();
        return new MxHostEvidence(host, address, tlsa.security(), records);
    }

    /** The CNAME-expanded name of the host, as its address lookups found it. */
    private static String expandedName(String host, SecureAnswer v4, SecureAnswer v6) {
        String found = !v4.records().isEmpty() ? v4.canonicalName() : v6.canonicalName();
        return found.toLowerCase(java.util.Locale.ROOT);
    }

    private static String tlsaName(String host) {
        return "_25._tcp." + host;
    }

    /** A and AAAA together: bogus beats failed beats insecure; secure only when both are. */
    private static DnssecSecurity combined(DnssecSecurity v4, DnssecSecurity v6) {
        if (v4 == DnssecSecurity.BOGUS || v6 == DnssecSecurity.BOGUS) {
            return DnssecSecurity.BOGUS;
        }
        if (v4 == DnssecSecurity.FAILED || v6 == DnssecSecurity.FAILED) {
            return DnssecSecurity.FAILED;
        }
        if (v4 == DnssecSecurity.INSECURE || v6 == DnssecSecurity.INSECURE) {
            return DnssecSecurity.INSECURE;
        }
        return DnssecSecurity.SECURE;
    }
}
