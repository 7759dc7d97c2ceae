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
    /** Opens the network sides for the settings; the daemon's is {@link StsNetwork#open(DaemonSettings)}. */
    @FunctionalInterface
    public interface Factory {
        StsNetwork open(DaemonSettings settings) throws ConfigException;
    }

    private final StsRecordSource records;
    private final StsPolicySource policies;
    private final Runnable onClose;

    private StsNetwork(StsRecordSource records, StsPolicySource policies, Runnable onClose) {
        this.records = records;
        this.policies = policies;
        this.onClose = onClose;
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
        HttpsStsPolicySource policies = new HttpsStsPolicySource(dns, trust, fetch);
        return new StsNetwork(new DnsStsRecordSource(dns), policies, policies::close);
    }

    /**
     * These network sides in front of other sources, e.g. {@code open}'s wrapped to time them (the
     * first-contact benchmark does); closing the result closes {@code underlying}.
     */
    public static StsNetwork wrapping(StsNetwork underlying, StsRecordSource records, StsPolicySource policies) {
        return new StsNetwork(records, policies, underlying::close);
    }

    public StsRecordSource records() {
        return records;
    }

    public StsPolicySource policies() {
        return policies;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
