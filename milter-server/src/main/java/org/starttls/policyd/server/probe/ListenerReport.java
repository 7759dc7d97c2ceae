package org.starttls.policyd.server.probe;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What {@link ListenerProbe} saw at one SMTP listener. {@code problem} is null when the STARTTLS
 * handshake (TLS 1.2 or newer) completed; then {@code tlsVersion} and {@code chain} are set.
 * {@code legacyTls} says whether a second connection could agree on TLS 1.0 or 1.1 (null when
 * that was not asked or could not be judged; {@code legacyDetail} says why).
 *
 * @param starttlsOffered null when the conversation ended before EHLO was answered
 */
public record ListenerReport(String banner, Boolean starttlsOffered, String tlsVersion, List<X509Certificate> chain,
        String problem, Boolean legacyTls, String legacyDetail) {
    public ListenerReport {
        chain = chain == null ? List.of() : List.copyOf(chain);
    }

    public boolean handshakeCompleted() {
        return problem == null;
    }
}
