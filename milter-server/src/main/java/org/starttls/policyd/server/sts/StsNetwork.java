package org.starttls.policyd.server.sts;

import java.io.IOException;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.sts.DnsStsRecordSource;
import org.starttls.policyd.fetcher.sts.HttpsStsPolicySource;
import org.starttls.policyd.fetcher.sts.PolicyHostTrust;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.sts.StsPolicySource;
import org.starttls.policyd.fetcher.sts.StsRecordSource;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;

/**
 * MTA-STS's network sides: TXT lookups through the DNS client of {@code dns.*}, and the HTTPS
 * policy fetch verified against {@code mta-sts.trust-store} (or the JDK's trust store).
 */
public final class StsNetwork implements AutoCloseable {

    private final DnsStsRecordSource records;
    private final HttpsStsPolicySource policies;

    private StsNetwork(DnsStsRecordSource records, HttpsStsPolicySource policies) {
        this.records = records;
        this.policies = policies;
    }

    /** The daemon's sources: policy hosts on port 443. */
    public static StsNetwork open(DaemonSettings settings) throws ConfigException {
        return open(settings, StsFetchSettings.defaults());
    }

    /** The sources with these fetch settings (tests give the local world's HTTPS port). */
    public static StsNetwork open(DaemonSettings settings, StsFetchSettings fetch) throws ConfigException {
        PolicyHostTrust trust;
        try {
            trust = settings.mtaSts().trustStore() == null ? PolicyHostTrust.jdkDefault()
                    : PolicyHostTrust.pemBundle(settings.mtaSts().trustStore());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("mta-sts.trust-store: " + e.getMessage());
        }
        DnsClient dns = new DnsClient(settings.dns());
        return new StsNetwork(new DnsStsRecordSource(dns), new HttpsStsPolicySource(dns, trust, fetch));
    }

    public StsRecordSource records() {
        return records;
    }

    public StsPolicySource policies() {
        return policies;
    }

    @Override
    public void close() {
        policies.close();
    }
}
