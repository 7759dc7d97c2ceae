package org.starttls.policyd.server.receiving;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.starttls.policyd.server.probe.CertificateCheck;
import org.starttls.policyd.server.probe.HostnameMatcher;
import org.starttls.policyd.server.probe.MxResultType;

/**
 * Judges a server certificate chain as a verifying sender would: chain to a trust anchor, dates
 * (a warning under {@link #EXPIRY_WARNING_DAYS} days left), and names covering each MX name.
 */
public final class CertificateFindings {
    /** Certbot renews 30 days before expiry; under 21 days left, renewal has failed for over a week. */
    public static final int EXPIRY_WARNING_DAYS = 21;

    private final CertificateCheck check;
    private final Clock clock;

    public CertificateFindings(Set<TrustAnchor> anchors, Clock clock) {
        this.check = new CertificateCheck(anchors);
        this.clock = clock;
    }

    public List<Finding> judge(List<X509Certificate> chain, List<String> names) {
        List<Finding> findings = new ArrayList<>();
        if (chain.isEmpty()) {
            findings.add(Finding.fail("certificate_chain", "no certificate", "configure the server certificate"));
            return findings;
        }
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        String anyName = names.isEmpty() ? HostnameMatcher.dnsNames(leaf).stream().findFirst().orElse("") : names.get(0);
        CertificateCheck.Verdict verdict = check.check(chain, anyName, now);
        if (verdict.result() == MxResultType.CERTIFICATE_NOT_TRUSTED) {
            findings.add(Finding.fail("certificate_chain", verdict.detail(),
                    "serve the full chain (certbot's fullchain.pem, not cert.pem) from a CA senders trust"));
        } else {
            findings.add(Finding.pass("certificate_chain", "chains to " + issuerOfChain(chain)));
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        long daysLeft = Duration.between(now, notAfter).toDays();
        if (now.isAfter(notAfter)) {
            findings.add(Finding.fail("certificate_expiry", "expired at " + notAfter,
                    "renew it (certbot renew) and reload the MTA; check that certbot's timer runs"));
        } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
            findings.add(Finding.fail("certificate_expiry", "not valid before " + leaf.getNotBefore().toInstant(),
                    "check the system clock, or wait until the certificate is valid"));
        } else if (daysLeft < EXPIRY_WARNING_DAYS) {
            findings.add(Finding.warn("certificate_expiry", daysLeft + " days left (expires " + notAfter + ")",
                    "certbot renews 30 days ahead: see why renewal failed (certbot renew --dry-run)"));
        } else {
            findings.add(Finding.pass("certificate_expiry", daysLeft + " days left (expires " + notAfter + ")"));
        }
        if (names.isEmpty()) {
            findings.add(Finding.warn("certificate_names", "no MX name to check the certificate against",
                    "name them with --mx-name (default: the MTA's own host name)"));
            return findings;
        }
        List<String> uncovered = names.stream().filter(name -> !HostnameMatcher.matches(leaf, name)).toList();
        if (uncovered.isEmpty()) {
            findings.add(Finding.pass("certificate_names", "covers " + String.join(", ", names)));
        } else {
            findings.add(Finding.fail("certificate_names", "certificate names " + HostnameMatcher.dnsNames(leaf)
                            + ", not " + String.join(", ", uncovered),
                    "get a certificate for every MX name: certbot certonly --cert-name NAME -d "
                            + String.join(" -d ", names)));
        }
        return findings;
    }

    private static String issuerOfChain(List<X509Certificate> chain) {
        return chain.get(chain.size() - 1).getIssuerX500Principal().getName();
    }
}
