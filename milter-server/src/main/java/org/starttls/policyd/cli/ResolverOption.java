package org.starttls.policyd.cli;

import java.net.InetSocketAddress;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.server.config.ConfigException;

/** {@code policyctl lookup --resolver IP[:PORT]}: the DNS server of a live lookup, instead of {@code dns.resolver}. */
final class ResolverOption {
    private ResolverOption() {
    }

    /** {@code configured} with its server replaced by the option's, when one is given. */
    static DnsSettings apply(DnsSettings configured, String option) throws ConfigException {
        if (option == null) {
            return configured;
        }
        InetSocketAddress address;
        try {
            address = ResolverAddress.parse(option);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--resolver: " + e.getMessage());
        }
        return new DnsSettings(address, configured.timeout());
    }
}
