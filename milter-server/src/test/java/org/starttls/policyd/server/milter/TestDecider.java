package org.starttls.policyd.server.milter;

import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * A receipt decider with a fixed table of decisions built from real policy types, standing in for
 * the engine at its seam. It records the domains it was asked about.
 */
final class TestDecider implements ReceiptDecider {
    static final TlsPolicy ENFORCE = new TlsPolicy(PolicyMode.ENFORCE, List.of(MxPattern.of(".mx.example.com")), null);
    static final TlsPolicy ENFORCE_TWO_MX = new TlsPolicy(PolicyMode.ENFORCE,
            List.of(MxPattern.of("mx1.example.net"), MxPattern.of(".backup.example.net")), null);

    final List<String> asked = new ArrayList<>();

    @Override
    public Decision decideAtReceipt(String domain) {
        asked.add(domain);
        switch (domain) {
            case "example.com":
                return Decision.requireTls("example.com", ENFORCE, "listed in enforce mode");
            case "example.net":
                return Decision.requireTls("example.net", ENFORCE_TWO_MX, "listed in enforce mode");
            case "downgraded.example":
                return Decision.requireTls(domain, ENFORCE, "listed").underDowngrade("STARTTLS was stripped on the path to its MX");
            case "broken.example":
                return Decision.tempfail(domain, "no verified list is loaded yet");
            case "explode.example":
                throw new IllegalStateException("the decider broke");
            case "null.example":
                return null;
            default:
                return Decision.noPolicy(domain, null, "not in the list");
        }
    }
}
