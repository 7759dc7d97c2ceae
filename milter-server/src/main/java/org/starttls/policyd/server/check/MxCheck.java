package org.starttls.policyd.server.check;

import java.util.Objects;
import org.starttls.policyd.server.probe.MxReport;

/**
 * One MX of a checked domain: what the probe found, and whether DANE TLSA records are published
 * for it ({@code _25._tcp.MX}, a plain lookup: presence, not DNSSEC validation).
 *
 * @param probe the probe's report (STARTTLS, TLS version, certificate)
 * @param dane true with TLSA records, false without, null when the lookup failed
 * @param daneDetail why {@code dane} is null, else empty
 */
public record MxCheck(MxReport probe, Boolean dane, String daneDetail) {
    public MxCheck {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(daneDetail, "daneDetail");
    }

    public String name() {
        return probe.mx().name();
    }

    /** Whether the MX spoke TLS 1.2+ after STARTTLS (its certificate may still be wrong). */
    public boolean tlsWorks() {
        return probe.tlsVersion() != null;
    }
}
