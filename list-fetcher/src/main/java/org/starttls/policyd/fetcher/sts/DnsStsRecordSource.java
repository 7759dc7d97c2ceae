package org.starttls.policyd.fetcher.sts;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.sts.StsRecord;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.sts.StsRecordResult;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsLookup;

/**
 * {@code _mta-sts.DOMAIN} TXT through the daemon's {@link DnsClient} (CNAMEs followed). NOERROR
 * with records is judged by {@link StsRecord#select}; NODATA and NXDOMAIN mean the domain
 * publishes no record; every failure stays a failure ({@link StsRecordLookup.Failed}), never "no
 * record". Only the name itself is asked, never a parent (RFC 8461 section 3.4).
 */
public final class DnsStsRecordSource implements StsRecordSource {
    private final DnsClient dns;

    public DnsStsRecordSource(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    @Override
    public CompletableFuture<StsRecordLookup> lookup(String domain) {
        String name = "_mta-sts." + domain;
        return dns.txt(name).thenApply(DnsStsRecordSource::judged);
    }

    private static StsRecordLookup judged(DnsLookup<String> lookup) {
        if (lookup instanceof DnsLookup.Found<String> found) {
            return new StsRecordLookup.Answered(StsRecord.select(found.values()));
        }
        if (lookup instanceof DnsLookup.Failed<String> failed) {
            return new StsRecordLookup.Failed(failed.detail());
        }
        String what = lookup instanceof DnsLookup.NxDomain ? "does not exist (NXDOMAIN)" : "has no TXT record";
        return new StsRecordLookup.Answered(new StsRecordResult.Refused(StsRecordRefusal.NO_RECORD,
                lookup.name() + " " + what));
    }
}
