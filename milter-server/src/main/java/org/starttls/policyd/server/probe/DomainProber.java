package org.starttls.policyd.server.probe;

import java.io.IOException;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;
import org.xbill.DNS.Resolver;

/**
 * Probes one domain, blocking: looks up its MXes, checks each name against the policy's patterns,
 * and probes the matching ones in preference order ({@link MxProbe}). Used by the daemon's
 * {@link DowngradeDetector} (on its own pool), by {@code policyctl probe} and {@code policyctl check}.
 */
public final class DomainProber implements AutoCloseable {
    private final MxLookup dns;
    private final MxProbe mxProbe;
    private final Clock clock;
    private final ScheduledExecutorService deadlines;

    /** With the resolver handed in (the configured one, or a test's). */
    public DomainProber(ProbeSettings settings, Resolver resolver, Set<TrustAnchor> anchors, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.dns = new MxLookup(resolver, settings.commandTimeout());
        this.deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "policyd-probe-deadline");
            thread.setDaemon(true);
            return thread;
        });
        this.mxProbe = new MxProbe(settings, dns, new CertificateCheck(anchors), clock, deadlines);
    }

    /** With the resolver and trust store the settings name. */
    public static DomainProber create(ProbeSettings settings, Clock clock) throws IOException {
        return new DomainProber(settings, MxLookup.resolver(settings.resolver()), TrustAnchors.load(settings.trustStore()),
                clock);
    }

    /** Probes {@code domain} against {@code policy}; never throws for what the network does. */
    public DomainReport probe(String domain, TlsPolicy policy) {
        List<MxHost> hosts;
        try {
            hosts = dns.mxHosts(domain);
        } catch (MxLookup.DnsException e) {
            return DomainReport.dnsFailed(domain, policy, e.getMessage(), clock.instant());
        }
        List<MxReport> reports = new ArrayList<>(hosts.size());
        for (MxHost mx : hosts) {
            reports.add(policy.allowsMx(mx.name()) ? mxProbe.probe(mx) : MxReport.notInPolicy(mx));
        }
        return DomainReport.conclude(domain, policy, reports, clock.instant());
    }

    /**
     * Probes every MX of a DANE domain and judges STARTTLS alone
     * ({@link DomainReport#concludeStarttlsOnly}); the report's policy names the MXes probed (the
     * domain itself when there are none), in {@code mode}.
     */
    public DomainReport probeStarttlsOnly(String domain, PolicyMode mode) {
        List<MxHost> hosts;
        try {
            hosts = dns.mxHosts(domain);
        } catch (MxLookup.DnsException e) {
            return DomainReport.dnsFailed(domain, everyMx(domain, List.of(), mode), e.getMessage(), clock.instant());
        }
        List<MxReport> reports = new ArrayList<>(hosts.size());
        for (MxHost mx : hosts) {
            reports.add(mxProbe.probe(mx));
        }
        return DomainReport.concludeStarttlsOnly(domain, everyMx(domain, hosts, mode), reports, clock.instant());
    }

    private static TlsPolicy everyMx(String domain, List<MxHost> hosts, PolicyMode mode) {
        List<MxPattern> names = new ArrayList<>();
        for (MxHost mx : hosts) {
            names.add(MxPattern.of(mx.name()));
        }
        return new TlsPolicy(mode, names.isEmpty() ? List.of(MxPattern.of(domain)) : names, null);
    }

    /** The domain's MXes by preference, as {@link #probe} finds them ({@link MxLookup#mxHosts}). */
    public List<MxHost> mxHosts(String domain) throws MxLookup.DnsException {
        return dns.mxHosts(domain);
    }

    /**
     * Probes one MX whatever any policy says: the eligibility check ({@code policyctl check}) has
     * no policy yet and judges every MX the domain names.
     */
    public MxReport probeMx(MxHost mx) {
        return mxProbe.probe(mx);
    }

    /** The DNS client the MX and address lookups go through, for other lookups of the same check. */
    public org.starttls.policyd.fetcher.dns.DnsClient dnsClient() {
        return dns.client();
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
