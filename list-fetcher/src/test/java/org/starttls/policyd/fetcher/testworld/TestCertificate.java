package org.starttls.policyd.fetcher.testworld;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A server's key and certificate chain (leaf first), as a TLS server presents it.
 *
 * @param names the DNS names the leaf is valid for
 */
public record TestCertificate(PrivateKey key, List<X509Certificate> chain, List<String> names) {
    public TestCertificate {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        names = List.copyOf(names);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs a leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    X509Certificate[] chainArray() {
        return chain.toArray(X509Certificate[]::new);
    }
}
