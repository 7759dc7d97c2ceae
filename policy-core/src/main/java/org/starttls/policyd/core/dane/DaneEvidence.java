package org.starttls.policyd.core.dane;

import java.util.List;
import java.util.Objects;

/**
 * Everything DNS said about a destination domain that DANE depends on.
 *
 * @param domain the destination domain
 * @param resolverValidates whether the resolver passed its validation check and its AD bit is
 *     trusted; without that nothing is secure, whatever the other fields say
 * @param mxSecurity the MX lookup (for a domain without MX records, the NODATA/NXDOMAIN answer)
 * @param nullMx the domain publishes the null MX ({@code MX 0 .}, RFC 7505): it takes no mail
 * @param hosts the MX hosts in preference order; for a domain without MX records, the domain itself;
 *     empty for a null MX, a failed MX lookup or a domain that does not exist
 */
public record DaneEvidence(String domain, boolean resolverValidates, DnssecSecurity mxSecurity, boolean nullMx,
        List<MxHostEvidence> hosts) {

    public DaneEvidence {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(mxSecurity, "mxSecurity");
        hosts = List.copyOf(hosts);
        if (nullMx && !hosts.isEmpty()) {
            throw new IllegalArgumentException("a null MX of " + domain + " has no hosts");
        }
        if (mxSecurity.isFailure() && (nullMx || !hosts.isEmpty())) {
            throw new IllegalArgumentException("a failed MX lookup of " + domain + " has no hosts");
        }
    }
}
