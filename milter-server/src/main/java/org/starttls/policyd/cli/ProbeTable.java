package org.starttls.policyd.cli;

import java.io.PrintWriter;
import java.util.stream.Collectors;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.server.probe.CertificateInfo;
import org.starttls.policyd.server.probe.DomainReport;
import org.starttls.policyd.server.probe.MxReport;

/** The text form of {@code policyctl probe}: one table per domain, one row per MX, details under each row. */
final class ProbeTable {
    private static final String ROW = "  %-32s %5s  %-6s  %-8s  %-7s  %s%n";

    private ProbeTable() {
    }

    static void print(PrintWriter out, DomainReport report) {
        out.println(report.domain() + ": " + report.status() + " (" + report.reason() + ")");
        out.println("  policy: mode " + report.policy().mode().wireName() + ", mx patterns "
                + report.policy().mxs().stream().map(MxPattern::asString).collect(Collectors.joining(" ")));
        if (report.mxs().isEmpty()) {
            out.println();
            return;
        }
        out.printf(ROW, "MX", "PREF", "POLICY", "STARTTLS", "TLS", "VERDICT");
        for (MxReport mx : report.mxs()) {
            out.printf(ROW, mx.mx().name(), mx.mx().preference(), mx.matchesPolicy() ? "yes" : "no",
                    mx.starttlsOffered() == null ? "-" : mx.starttlsOffered() ? "yes" : "no",
                    mx.tlsVersion() == null ? "-" : mx.tlsVersion(), mx.result().wireName());
            CertificateInfo cert = mx.certificate();
            if (cert != null) {
                out.println("      certificate: subject " + cert.subject() + "; issuer " + cert.issuer() + "; expires "
                        + cert.notAfter());
            }
            out.println("      " + mx.detail());
        }
        out.println();
    }
}
