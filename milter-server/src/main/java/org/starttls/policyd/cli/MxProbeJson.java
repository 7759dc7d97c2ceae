package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.starttls.policyd.server.probe.CertificateInfo;
import org.starttls.policyd.server.probe.MxReport;

/** What one probed MX said, in the same JSON fields for {@code policyctl probe} and {@code policyctl check}. */
final class MxProbeJson {
    private MxProbeJson() {
    }

    /** Adds {@code starttls}, {@code tls_version}, {@code certificate}, {@code result} and {@code detail} to {@code m}. */
    static void addProbeFields(ObjectNode m, MxReport probe) {
        if (probe.starttlsOffered() == null) {
            m.putNull("starttls");
        } else {
            m.put("starttls", probe.starttlsOffered());
        }
        m.put("tls_version", probe.tlsVersion());
        CertificateInfo cert = probe.certificate();
        if (cert == null) {
            m.putNull("certificate");
        } else {
            ObjectNode c = m.putObject("certificate");
            c.put("subject", cert.subject());
            c.put("issuer", cert.issuer());
            c.put("not_before", cert.notBefore().toString());
            c.put("not_after", cert.notAfter().toString());
        }
        m.put("result", probe.result().wireName());
        m.put("detail", probe.detail());
    }
}
