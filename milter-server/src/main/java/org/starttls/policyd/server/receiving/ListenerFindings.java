package org.starttls.policyd.server.receiving;

import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.server.probe.ListenerReport;

/** What a sender would think of the listener {@link org.starttls.policyd.server.probe.ListenerProbe} looked at. */
public final class ListenerFindings {
    private ListenerFindings() {
    }

    public static List<Finding> judge(ListenerReport report, CertificateFindings certificates, List<String> names,
            String fixForStarttls) {
        List<Finding> findings = new ArrayList<>();
        if (report.starttlsOffered() == null) {
            findings.add(Finding.fail("starttls", "no SMTP conversation: " + report.problem(),
                    "check that the MTA listens there (--smtp HOST:PORT)"));
            return findings;
        }
        if (!report.starttlsOffered()) {
            findings.add(Finding.fail("starttls", report.problem() + " (banner " + report.banner() + ")", fixForStarttls));
            return findings;
        }
        if (!report.handshakeCompleted()) {
            findings.add(Finding.pass("starttls", "STARTTLS offered"));
            findings.add(Finding.fail("tls_version", report.problem(),
                    "allow TLS 1.2 and 1.3 with a certificate and key the MTA can load (see its log)"));
            return findings;
        }
        findings.add(Finding.pass("starttls", "STARTTLS offered, " + report.tlsVersion() + " negotiated"));
        if (report.legacyTls() == null) {
            findings.add(Finding.warn("tls_version", "could not tell whether TLS 1.0/1.1 is refused: "
                    + report.legacyDetail(), "run the doctor again; see the MTA's log"));
        } else if (report.legacyTls()) {
            findings.add(Finding.fail("tls_version", report.legacyDetail() + ": senders may be downgraded to it",
                    fixForLegacy(fixForStarttls)));
        } else {
            findings.add(Finding.pass("tls_version", "TLS 1.2 or newer only (" + report.legacyDetail() + ")"));
        }
        findings.addAll(certificates.judge(report.chain(), names));
        return findings;
    }

    private static String fixForLegacy(String fixForStarttls) {
        return fixForStarttls.startsWith("postconf")
                ? "postconf -e 'smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1' "
                        + "'smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1'; postfix reload"
                : "define(`confSERVER_SSL_OPTIONS', `+SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1')dnl";
    }
}
