package org.starttls.policyd.server.probe;

/**
 * What probing one MX showed, named as RFC 8460 (TLS reporting) names its result types where one
 * applies. {@link #OK} and {@link #UNREACHABLE} are not failures: the first is evidence that TLS
 * works, the second is no evidence either way (a host that does not answer cannot be sent mail in
 * the clear either).
 */
public enum MxResultType {
    /** STARTTLS offered, TLS 1.2 or newer, certificate chains to a trusted root, is current, and names the MX. */
    OK("ok", false),
    /** RFC 8460: the MX did not offer STARTTLS (or refused the command it offered). */
    STARTTLS_NOT_SUPPORTED("starttls-not-supported", true),
    /** RFC 8460: the certificate does not name the MX host. */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch", true),
    /** RFC 8460: the certificate is expired (or not yet valid). */
    CERTIFICATE_EXPIRED("certificate-expired", true),
    /** RFC 8460: the certificate does not chain to a trusted root. */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted", true),
    /** RFC 8460: any other TLS failure (the handshake failed, no TLS 1.2 or newer). */
    VALIDATION_FAILURE("validation-failure", true),
    /** The MX name matches none of the policy's patterns, so the MTA must not deliver there. */
    MX_NOT_IN_POLICY("mx-not-in-policy", true),
    /** No SMTP conversation up to the STARTTLS question: no evidence either way. */
    UNREACHABLE("unreachable", false);

    private final String wireName;
    private final boolean failure;

    MxResultType(String wireName, boolean failure) {
        this.wireName = wireName;
        this.failure = failure;
    }

    /** The name in reports, logs and JSON ({@code starttls-not-supported}). */
    public String wireName() {
        return wireName;
    }

    /** Whether this result counts against the MX (evidence of a stripped or forged STARTTLS). */
    public boolean isFailure() {
        return failure;
    }
}
