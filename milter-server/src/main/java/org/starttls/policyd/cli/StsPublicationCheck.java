package org.starttls.policyd.cli;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.fetcher.sts.StsPolicySource;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;
import org.starttls.policyd.fetcher.sts.StsRecordSource;
import org.starttls.policyd.server.receiving.Finding;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A domain's MTA-STS publication checked from outside with policyd's own sources: the
 * {@code _mta-sts} record through {@link StsRecordSource}, the policy through
 * {@link StsPolicySource} (the daemon's HTTPS fetch, WebPKI, limits and grammar), and the MX and
 * TLS-RPT records through the same {@link DnsClient}. Everything is asked at once; each source
 * answers within its own time limit and never fails exceptionally.
 */
final class StsPublicationCheck {
    private final DnsClient dns;
    private final StsRecordSource records;
    private final StsPolicySource policies;
    private final String trust;
    private final int maxPolicyBytes;
    private final Clock clock;

    /**
     * @param trust how the findings name the trust anchors ("the JDK's trust store")
     * @param maxPolicyBytes the largest policy {@code policies} reads
     * @param clock what "now" is for the policy certificate's days left
     */
    StsPublicationCheck(DnsClient dns, StsRecordSource records, StsPolicySource policies, String trust,
            int maxPolicyBytes, Clock clock) {
        this.dns = dns;
        this.records = records;
        this.policies = policies;
        this.trust = trust;
        this.maxPolicyBytes = maxPolicyBytes;
        this.clock = clock;
    }

    /**
     * The findings, the policy host's verified certificate's notAfter (null when no handshake
     * completed) and the instant the days left were counted from.
     */
    record Report(List<Finding> findings, Instant certificateNotAfter, Instant checkedAt) {
    }

    /** Every finding for a normalised ASCII domain; {@code expected}: the patterns it should publish, or empty. */
    Report check(String domain, List<StsMxPattern> expected) {
        CompletableFuture<StsRecordLookup> record = records.lookup(domain);
        CompletableFuture<DnsLookup<InetAddress>> host = dns.addresses("mta-sts." + domain);
        CompletableFuture<StsPolicyFetch> policy = policies.fetch(domain);
        CompletableFuture<DnsLookup<Record>> mx = dns.lookup(domain, Type.MX);
        CompletableFuture<DnsLookup<String>> tlsRpt = dns.txt("_smtp._tls." + domain);

        Instant now = clock.instant();
        List<Finding> findings = new ArrayList<>();
        findings.add(StsRecordFindings.judge(domain, record.join()));
        PolicyFindings.Result served = new PolicyFindings(domain, trust, maxPolicyBytes, now)
                .judge(host.join(), policy.join());
        findings.addAll(served.findings());
        findings.addAll(MxFindings.judge(domain, mx.join(), served.policy(), expected));
        findings.add(TlsRptFindings.judge(domain, tlsRpt.join()));
        return new Report(findings, policy.join().certificateNotAfter(), now);
    }
}
