package org.starttls.policyd.server.probe;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Judges the chain an MX presented: it must chain to a trust anchor (PKIX, as the MTA checks it;
 * revocation is not checked, as Postfix does not), be current at the injected time, and name the
 * MX host ({@link HostnameMatcher}). The first failing check names the result.
 */
public final class CertificateCheck {
    private final Set<TrustAnchor> anchors;

    public CertificateCheck(Set<TrustAnchor> anchors) {
        this.anchors = Set.copyOf(Objects.requireNonNull(anchors, "anchors"));
    }

    /** A classification and why. */
    public record Verdict(MxResultType result, String detail) {
    }

    public Verdict check(List<X509Certificate> chain, String host, Instant now) {
        if (chain.isEmpty()) {
            return new Verdict(MxResultType.VALIDATION_FAILURE, "the MX presented no certificate");
        }
        X509Certificate leaf = chain.get(0);
        String chainProblem = chainProblem(chain, now);
        if (chainProblem != null) {
            Instant notBefore = leaf.getNotBefore().toInstant();
            Instant notAfter = leaf.getNotAfter().toInstant();
            boolean leafCurrent = !now.isBefore(notBefore) && !now.isAfter(notAfter);
            // Expired only when the chain would verify inside the leaf's own validity: an
            // expired self-signed certificate is untrusted first.
            if (!leafCurrent && chainProblem(chain, now.isAfter(notAfter) ? notAfter : notBefore) == null) {
                return new Verdict(MxResultType.CERTIFICATE_EXPIRED, now.isAfter(notAfter)
                        ? "certificate expired at " + notAfter : "certificate not valid before " + notBefore);
            }
            return new Verdict(MxResultType.CERTIFICATE_NOT_TRUSTED, chainProblem);
        }
        if (!HostnameMatcher.matches(leaf, host)) {
            return new Verdict(MxResultType.CERTIFICATE_HOST_MISMATCH,
                    "certificate names " + HostnameMatcher.dnsNames(leaf) + ", not " + host);
        }
        return new Verdict(MxResultType.OK, "certificate verified for " + host + " until " + leaf.getNotAfter().toInstant());
    }

    /** Null when {@code chain} builds to an anchor at {@code at}; else why not. */
    private String chainProblem(List<X509Certificate> chain, Instant at) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain.get(0));
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            CertPathBuilder.getInstance("PKIX").build(parameters);
            return null;
        } catch (InvalidAlgorithmParameterException e) {
            return "no trust anchors: " + e.getMessage();
        } catch (GeneralSecurityException e) {
            return "certificate chain does not verify to a trusted root: " + e.getMessage();
        }
    }
}
