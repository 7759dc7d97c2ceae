package org.starttls.policyd.core.dane;

import java.util.List;
import java.util.stream.Collectors;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;

/**
 * Turns DANE evidence into a verdict (RFC 7672 as Postfix applies it):
 * <ul>
 *   <li>resolver not validating: no DANE (Postfix, on the same resolver, cannot do DANE either,
 *       and {@code dane-only} would defer everything);
 *   <li>MX RRset bogus or failed: {@code TEMP};
 *   <li>null MX, or no host: no DANE;
 *   <li>MX RRset secure: every host validated with only usable TLSA is {@code dane-only}; any host
 *       with validated TLSA, or any host whose address or TLSA lookup failed, is {@code dane}
 *       (Postfix defers only the failing host); otherwise no DANE;
 *   <li>MX RRset insecure: a validated host with validated TLSA is {@code dane} (never
 *       {@code dane-only}: the MX list itself is not protected); otherwise no DANE. A host lookup
 *       that failed behind an insecure MX RRset does not make DANE: an attacker who can forge the
 *       MX RRset can do without that host anyway.
 * </ul>
 */
public final class DaneDecider {

    private DaneDecider() {}

    public static DaneVerdict decide(DaneEvidence evidence) {
        String domain = evidence.domain();
        if (!evidence.resolverValidates()) {
            return verdict(Kind.NO_DANE, "the resolver does not validate DNSSEC, so DANE cannot apply to " + domain);
        }
        DnssecSecurity mx = evidence.mxSecurity();
        if (mx.isFailure()) {
            return verdict(Kind.TEMP, "the MX lookup of " + domain + " is " + describe(mx));
        }
        if (evidence.nullMx()) {
            return verdict(Kind.NO_DANE, domain + " publishes a null MX (it accepts no mail)");
        }
        List<MxHostEvidence> hosts = evidence.hosts();
        if (hosts.isEmpty()) {
            return verdict(Kind.NO_DANE, domain + " has no MX host");
        }
        return mx == DnssecSecurity.SECURE ? decideSecureMx(domain, hosts) : decideInsecureMx(domain, hosts);
    }

    private static DaneVerdict decideSecureMx(String domain, List<MxHostEvidence> hosts) {
        if (hosts.stream().allMatch(MxHostEvidence::hasOnlyUsableTlsa)) {
            return verdict(Kind.DANE_ONLY, "the MX RRset of " + domain + " and every MX host ("
                    + names(hosts) + ") are DNSSEC-validated with usable TLSA records");
        }
        List<MxHostEvidence> failed = hosts.stream().filter(MxHostEvidence::lookupFailed).toList();
        List<MxHostEvidence> withTlsa = hosts.stream().filter(MxHostEvidence::hasSecureTlsa).toList();
        if (!withTlsa.isEmpty() || !failed.isEmpty()) {
            StringBuilder why = new StringBuilder("the MX RRset of ").append(domain).append(" is validated");
            if (!withTlsa.isEmpty()) {
                why.append("; validated TLSA at ").append(names(withTlsa));
            }
            List<MxHostEvidence> others = hosts.stream()
                    .filter(h -> !h.hasOnlyUsableTlsa() && !h.lookupFailed()).toList();
            if (!others.isEmpty()) {
                why.append("; no usable TLSA at ").append(names(others));
            }
            if (!failed.isEmpty()) {
                why.append("; lookup failed for ").append(names(failed))
                        .append(" (Postfix defers those hosts)");
            }
            return verdict(Kind.DANE, why.toString());
        }
        return verdict(Kind.NO_DANE, "the MX RRset of " + domain + " is validated but no MX host ("
                + names(hosts) + ") has validated TLSA records");
    }

    private static DaneVerdict decideInsecureMx(String domain, List<MxHostEvidence> hosts) {
        List<MxHostEvidence> withTlsa = hosts.stream().filter(MxHostEvidence::hasSecureTlsa).toList();
        if (!withTlsa.isEmpty()) {
            return verdict(Kind.DANE, "the MX RRset of " + domain + " is not signed, but "
                    + names(withTlsa) + " has validated TLSA records");
        }
        return verdict(Kind.NO_DANE, "the MX RRset of " + domain
                + " is not signed and no MX host has validated TLSA records");
    }

    private static String describe(DnssecSecurity security) {
        return security == DnssecSecurity.BOGUS ? "bogus (DNSSEC validation failed)" : "failed (no answer)";
    }

    private static String names(List<MxHostEvidence> hosts) {
        return hosts.stream().map(MxHostEvidence::host).collect(Collectors.joining(", "));
    }

    private static DaneVerdict verdict(Kind kind, String reason) {
        return new DaneVerdict(kind, reason);
    }
}
