package org.starttls.policyd.server.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The CA certificates an MX's chain must reach: a PEM bundle, or the JDK's default trust store. */
public final class TrustAnchors {
    private TrustAnchors() {
    }

    /** The anchors from {@code pemBundle}, or the JDK's when it is null. */
    public static Set<TrustAnchor> load(Path pemBundle) throws IOException {
        return pemBundle == null ? jdkDefault() : fromPem(pemBundle);
    }

    static Set<TrustAnchor> fromPem(Path pemBundle) throws IOException {
        Set<TrustAnchor> anchors = new HashSet<>();
        try (InputStream in = Files.newInputStream(pemBundle)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add(new TrustAnchor((X509Certificate) certificate, null));
            }
        } catch (CertificateException e) {
            throw new IOException(pemBundle + " is not a PEM bundle of certificates: " + e.getMessage(), e);
        }
        if (anchors.isEmpty()) {
            throw new IOException(pemBundle + " holds no certificate");
        }
        return Set.copyOf(anchors);
    }

    static Set<TrustAnchor> jdkDefault() throws IOException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(ca, null));
                    }
                }
            }
            return Set.copyOf(anchors);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the JDK's trust store: " + e.getMessage(), e);
        }
    }
}
