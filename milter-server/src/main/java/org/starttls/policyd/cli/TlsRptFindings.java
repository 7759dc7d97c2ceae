package org.starttls.policyd.cli;

import org.starttls.policyd.core.sts.Excerpt;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.server.receiving.Finding;

/**
 * The {@code tls_rpt} check: {@code _smtp._tls.DOMAIN} (RFC 8460) names where senders report
 * failed TLS. Missing is a warning (mail still flows, but testing mode tells nobody anything);
 * a record that reporters cannot use is a failure, since its owner believes reports will come.
 */
final class TlsRptFindings {
    static final String CHECK = "tls_rpt";

    private TlsRptFindings() {
    }

    static Finding judge(String domain, DnsLookup<String> lookup) {
        String name = "_smtp._tls." + domain;
        String add = "add " + name + ". IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain
                + "\" (policyctl sts publish prints it; --rua for another address)";
        if (lookup instanceof DnsLookup.Failed<String> failed) {
            return Finding.warn(CHECK, name + " could not be looked up: " + failed.detail(),
                    "check the zone's name servers, or ask another resolver with --resolver");
        }
        TlsRptRecord.Result result = TlsRptRecord.select(lookup.values());
        if (result instanceof TlsRptRecord.Valid valid) {
            return Finding.pass(CHECK, name + ": reports go to " + Excerpt.sentence(String.join(", ", valid.rua())));
        }
        if (result instanceof TlsRptRecord.Absent absent) {
            String seen = lookup instanceof DnsLookup.NxDomain ? "does not exist"
                    : absent.otherRecords() == 0 ? "has no TXT record"
                    : "has no record that begins with " + TlsRptRecord.VERSION;
            return Finding.warn(CHECK, name + " " + seen + ": senders cannot report failed TLS to you, so you will "
                    + "not know when to move from testing to enforce", add);
        }
        if (result instanceof TlsRptRecord.Several several) {
            return Finding.fail(CHECK, name + ": " + several.count() + " records begin with " + TlsRptRecord.VERSION
                    + "; RFC 8460 says senders then report to none", "keep one: list every rua URI in it, "
                    + "separated by ','");
        }
        TlsRptRecord.Invalid invalid = (TlsRptRecord.Invalid) result;
        return Finding.fail(CHECK, name + ": " + invalid.problem() + " in " + Excerpt.of(invalid.record()), add);
    }
}
