package org.starttls.policyd.server.probe;

import java.util.Objects;

/**
 * What probing one MX of one domain showed.
 *
 * @param mx the MX name and preference
 * @param matchesPolicy whether the name matches one of the policy's MX patterns (others are not probed)
 * @param result the classification
 * @param detail one line saying why, for logs and {@code policyctl probe}
 * @param starttlsOffered whether EHLO advertised STARTTLS; null when the probe did not get that far
 * @param tlsVersion the negotiated protocol ({@code TLSv1.3}), or null without a handshake
 * @param certificate the MX's certificate, or null without a handshake
 */
public record MxReport(MxHost mx, boolean matchesPolicy, MxResultType result, String detail,
        Boolean starttlsOffered, String tlsVersion, CertificateInfo certificate) {
    public MxReport {
        Objects.requireNonNull(mx, "mx");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(detail, "detail");
        if (!matchesPolicy && result != MxResultType.MX_NOT_IN_POLICY) {
            throw new IllegalArgumentException("an MX outside the policy is not probed: " + mx);
        }
    }

    /** An MX whose name matches no pattern of the policy. */
    static MxReport notInPolicy(MxHost mx) {
        return new MxReport(mx, false, MxResultType.MX_NOT_IN_POLICY, "the name matches none of the policy's MX patterns",
                null, null, null);
    }

    /** {@code mx.example.com: starttls-not-supported (detail)} */
    public String summary() {
        return mx.name() + ": " + result.wireName() + " (" + detail + ")";
    }
}
