package org.starttls.policyd.fetcher.sts;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities a policy host's certificate must chain to (WebPKI): the JDK's
 * ({@code cacerts}), or the PEM bundle an admin names in {@code mta-sts.trust-store}.
 */
public final class PolicyHostTrust {
    /** Debian's whole bundle is about 220 KB. */
    public static final int MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

    private final X509TrustManager trustManager;
    private final String description;

    private PolicyHostTrust(X509TrustManager trustManager, String description) {
        this.trustManager = trustManager;
        this.description = description;
    }

    /** The JDK's default trust store. */
    public static PolicyHostTrust jdkDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return new PolicyHostTrust(x509(factory.getTrustManagers()), "the JDK's trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trust store cannot be loaded", e);
        }
    }

    /**
     * The certificates of a PEM bundle file.
     *
     * @throws IOException when the file cannot be read, is too large or holds no certificate; the
     *     message names the file
     */
    public static PolicyHostTrust pemBundle(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BUNDLE_BYTES) {
            throw new IOException(file + " is " + size + " bytes, more than a CA bundle's limit of " + MAX_BUNDLE_BYTES);
        }
        try {
            return fromPem(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The certificates of PEM text ({@code -----BEGIN CERTIFICATE-----} blocks). */
    public static PolicyHostTrust fromPem(String pem) {
        return fromPem(pem, "a PEM bundle");
    }

    private static PolicyHostTrust fromPem(String pem, String source) {
        Objects.requireNonNull(pem, "pem");
        try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(source + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return new PolicyHostTrust(x509(factory.getTrustManagers()), source + " (" + certificates.size()
                    + (certificates.size() == 1 ? " certificate)" : " certificates)"));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(source + " is not a PEM bundle of certificates: " + e.getMessage(), e);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store from " + source, e);
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK offers no X.509 trust manager");
    }

    /** Where the anchors come from, for logs. */
    public String description() {
        return description;
    }

    /** A TLS context that trusts these anchors and presents no client certificate. */
    SSLContext newContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }
}
