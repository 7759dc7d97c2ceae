package org.starttls.policyd.server.check;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.sts.StsRecordResult;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.fetcher.sts.StsPolicySource;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;
import org.starttls.policyd.fetcher.sts.StsRecordSource;
import org.starttls.policyd.server.probe.DomainProber;
import org.starttls.policyd.server.probe.MxHost;
import org.starttls.policyd.server.probe.MxLookup;
import org.starttls.policyd.server.probe.MxReport;
import org.xbill.DNS.Type;

/**
 * The eligibility check of one domain ({@code policyctl check}, {@code policyctl list build}),
 * blocking: its MXes from DNS, each probed as policyd's downgrade probe does
 * ({@link DomainProber#probeMx}), TLSA presence per MX, and its MTA-STS record and policy from the
 * daemon's own sources; then {@link EligibilityRules}. Every lookup and probe has the limits of
 * the sources and the probe settings, so a check always ends.
 */
public final class EligibilityCheck {
    /** The DANE port of an MX's TLSA records (RFC 7672: {@code _25._tcp.MX}). */
    static final int SMTP_PORT = 25;

    private final DomainProber prober;
    private final DnsClient dns;
    private final StsRecordSource records;
    private final StsPolicySource policies;
    private final Clock clock;

    public EligibilityCheck(DomainProber prober, StsRecordSource records, StsPolicySource policies, Clock clock) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.dns = prober.dnsClient();
        this.records = Objects.requireNonNull(records, "records");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Checks a normalised domain; never throws for what the network does. */
    public DomainCheck check(String domain) {
        CompletableFuture<StsFinding> sts = sts(domain); // runs while the MXes are probed
        List<MxHost> hosts;
        try {
            hosts = prober.mxHosts(domain);
        } catch (MxLookup.DnsException e) {
            return EligibilityRules.withoutMxes(domain, "MX lookup failed: " + e.getMessage(), sts.join(),
                    clock.instant());
        }
        if (hosts.isEmpty()) {
            return EligibilityRules.withoutMxes(domain, domain + " publishes a null MX (RFC 7505): it takes no mail",
                    sts.join(), clock.instant());
        }
        List<CompletableFuture<DnsLookup<org.xbill.DNS.Record>>> tlsa = hosts.stream()
                .map(mx -> dns.lookup("_" + SMTP_PORT + "._tcp." + mx.name(), Type.TLSA)).toList();
        List<MxCheck> mxs = new ArrayList<>(hosts.size());
        for (int i = 0; i < hosts.size(); i++) {
            MxReport probe = prober.probeMx(hosts.get(i));
            DnsLookup<org.xbill.DNS.Record> dane = tlsa.get(i).join();
            mxs.add(dane instanceof DnsLookup.Failed<org.xbill.DNS.Record> failed
                    ? new MxCheck(probe, null, failed.detail())
                    : new MxCheck(probe, dane instanceof DnsLookup.Found, ""));
        }
        return EligibilityRules.judge(domain, mxs, sts.join(), clock.instant());
    }

    private CompletableFuture<StsFinding> sts(String domain) {
        return records.lookup(domain).thenCompose(lookup -> {
            if (lookup instanceof StsRecordLookup.Failed failed) {
                return done(new StsFinding(StsFinding.State.DNS_FAILED, null, failed.detail()));
            }
            StsRecordResult result = ((StsRecordLookup.Answered) lookup).result();
            if (result instanceof StsRecordResult.Refused refused) {
                return done(refused.reason() == StsRecordRefusal.NO_RECORD
                        ? new StsFinding(StsFinding.State.NOT_PUBLISHED, null, "no _mta-sts." + domain + " record")
                        : new StsFinding(StsFinding.State.BROKEN, null, refused.detail()));
            }
            String id = ((StsRecordResult.Found) result).record().id();
            return policies.fetch(domain).thenApply(fetch -> policy(id, fetch));
        });
    }

    private static StsFinding policy(String id, StsPolicyFetch fetch) {
        if (fetch instanceof StsPolicyFetch.Failed failed) {
            return new StsFinding(StsFinding.State.BROKEN, null, "record id " + id + ", but the policy could not be "
                    + "fetched: " + failed.detail());
        }
        StsPolicyResult parsed = ((StsPolicyFetch.Parsed) fetch).result();
        if (parsed instanceof StsPolicyResult.Invalid invalid) {
            return new StsFinding(StsFinding.State.BROKEN, null, "record id " + id + ", but the policy is invalid: "
                    + invalid.detail());
        }
        var policy = ((StsPolicyResult.Valid) parsed).policy();
        return new StsFinding(StsFinding.State.POLICY, policy, "id " + id + ", mode " + policy.mode().wireName()
                + ", mx " + policy.mx().stream().map(Object::toString).collect(Collectors.joining(", "))
                + ", max_age " + policy.maxAge().toSeconds());
    }

    private static CompletableFuture<StsFinding> done(StsFinding finding) {
        return CompletableFuture.completedFuture(finding);
    }
}
