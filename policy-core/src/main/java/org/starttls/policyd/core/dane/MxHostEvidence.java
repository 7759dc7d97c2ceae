package org.starttls.policyd.core.dane;

import java.util.List;
import java.util.Objects;

/**
 * What DNS said about one MX host: the security of its address records (A and AAAA together, the
 * worse of the two) and of its TLSA RRset at {@code _25._tcp.HOST}, with the records found.
 *
 * @param host the MX host name, as in the MX record (no trailing dot)
 * @param addressSecurity the A/AAAA lookups taken together
 * @param tlsaSecurity the TLSA lookup; its records are {@code tlsa} (empty for NODATA/NXDOMAIN or
 *     when the lookup failed)
 */
public record MxHostEvidence(String host, DnssecSecurity addressSecurity, DnssecSecurity tlsaSecurity,
        List<TlsaRecord> tlsa) {

    public MxHostEvidence {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(addressSecurity, "addressSecurity");
        Objects.requireNonNull(tlsaSecurity, "tlsaSecurity");
        tlsa = List.copyOf(tlsa);
        if (tlsaSecurity.isFailure() && !tlsa.isEmpty()) {
            throw new IllegalArgumentException("a failed TLSA lookup of " + host + " cannot carry records");
        }
    }

    /** One of its lookups failed (bogus or no answer): Postfix will defer this host by itself. */
    public boolean lookupFailed() {
        return addressSecurity.isFailure() || tlsaSecurity.isFailure();
    }

    /**
     * DANE applies to this host: its address and its TLSA RRset are both validated and the RRset
     * is not empty (RFC 7672 §2.2.2: TLSA of a host with insecure addresses is not used).
     */
    public boolean hasSecureTlsa() {
        return addressSecurity == DnssecSecurity.SECURE && tlsaSecurity == DnssecSecurity.SECURE
                && !tlsa.isEmpty();
    }

    /** DANE applies and every one of its TLSA records is usable for SMTP. */
    public boolean hasOnlyUsableTlsa() {
        return hasSecureTlsa() && tlsa.stream().allMatch(TlsaRecord::isUsable);
    }
}
