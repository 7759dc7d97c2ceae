package org.starttls.policyd.server.e2e;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import org.starttls.policyd.server.probe.ListenerProbe;
import org.starttls.policyd.server.probe.ListenerReport;

/** The leaf certificate a loopback SMTP listener presents after STARTTLS, if any. */
final class ListenerCertificate {
    private ListenerCertificate() {
    }

    static Optional<X509Certificate> served(int port, String serverName) {
        ListenerReport report = new ListenerProbe(Duration.ofSeconds(5), "test.client.invalid")
                .probe(new InetSocketAddress("127.0.0.1", port), serverName);
        return report.handshakeCompleted() && !report.chain().isEmpty() ? Optional.of(report.chain().get(0)) : Optional.empty();
    }
}
