package org.starttls.policyd.server.dane;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.MxHostEvidence;
import org.starttls.policyd.core.dane.TlsaRecord;
import org.starttls.policyd.fetcher.dane.DaneResolver;

/**
 * The DANE part of {@code policyctl lookup}: the verdict and why, how it was known, and the
 * evidence (MX RRset security, each MX host's address and TLSA security, its TLSA records).
 */
public final class DaneReport {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DaneReport() {
    }

    /**
     * Adds {@code "dane"} to a lookup's report when the resolver holds an answer for the domain
     * (the daemon's and a live {@code policyctl lookup} alike, so both say the same).
     */
    public static void addTo(ObjectNode report, DaneResolver resolver, String domain) {
        DaneResolver.DaneAnswer answer = resolver == null ? null : resolver.cached(domain);
        if (answer != null) {
            report.set("dane", of(answer));
        }
    }

    public static ObjectNode of(DaneResolver.DaneAnswer answer) {
        ObjectNode node = JSON.objectNode();
        node.put("verdict", answer.verdict().kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        node.put("reason", answer.verdict().reason());
        node.put("how", answer.how());
        DaneEvidence evidence = answer.evidence();
        if (evidence == null) {
            return node;
        }
        node.put("resolver_validates", evidence.resolverValidates());
        node.put("mx_security", evidence.mxSecurity().name().toLowerCase(java.util.Locale.ROOT));
        node.put("null_mx", evidence.nullMx());
        ArrayNode hosts = node.putArray("mx_hosts");
        for (MxHostEvidence host : evidence.hosts()) {
            ObjectNode h = hosts.addObject();
            h.put("host", host.host());
            h.put("address_security", host.addressSecurity().name().toLowerCase(java.util.Locale.ROOT));
            h.put("tlsa_security", host.tlsaSecurity().name().toLowerCase(java.util.Locale.ROOT));
            ArrayNode records = h.putArray("tlsa");
            for (TlsaRecord tlsa : host.tlsa()) {
                records.add(tlsa.usage() + " " + tlsa.selector() + " " + tlsa.matchingType() + " "
                        + HexFormat.of().formatHex(tlsa.data()) + (tlsa.isUsable() ? "" : " (unusable)"));
            }
        }
        return node;
    }
}
