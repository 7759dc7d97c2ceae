package org.starttls.policyd.server.probe;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * What an operator wants to see of the certificate an MX presented.
 *
 * @param subject the subject DN (RFC 2253)
 * @param issuer the issuer DN (RFC 2253)
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record CertificateInfo(String subject, String issuer, Instant notBefore, Instant notAfter) {
    public CertificateInfo {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
    }

    static CertificateInfo of(X509Certificate certificate) {
        return new CertificateInfo(certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(), certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
    }
}
