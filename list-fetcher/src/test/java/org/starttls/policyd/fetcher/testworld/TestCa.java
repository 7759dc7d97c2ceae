package org.starttls.policyd.fetcher.testworld;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time: one root (P-256), and leaf certificates for host
 * names that the JDK's WebPKI checks (chain, validity, subjectAltName) accept or refuse as a
 * test needs. Validity is relative to the clock handed in; TLS itself checks against the real
 * time, so tests of expiry use the system clock (the default).
 */
public final class TestCa {
    private static final Duration LEAF_LIFETIME = Duration.ofDays(30);
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Clock clock;
    private final KeyPair rootKey;
    private final X509Certificate root;

    private TestCa(Clock clock, String name) {
        this.clock = clock;
        this.rootKey = newKey();
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=" + name);
        this.root = sign(rootKey.getPublic(), subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
                true, List.of(), rootKey, subject, null);
    }

    /** A new root named "policyd test CA", valid from a day ago for a year. */
    public static TestCa create() {
        return new TestCa(Clock.systemUTC(), "policyd test CA");
    }

    public static TestCa create(Clock clock, String name) {
        return new TestCa(clock, name);
    }

    public X509Certificate root() {
        return root;
    }

    /** The root in PEM, as an admin's CA bundle ({@code mta-sts.trust-store}) holds it. */
    public String rootPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes {@link #rootPem()} to {@code file} and returns it. */
    public Path writeRootPem(Path file) throws IOException {
        return Files.writeString(file, rootPem(), StandardCharsets.US_ASCII);
    }

    /** A valid leaf for {@code hostNames}, issued by the root, valid from a day ago for 30 days. */
    public TestCertificate leaf(String... hostNames) {
        Instant now = clock.instant();
        return leaf(now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), hostNames);
    }

    /** A leaf issued by the root that expired yesterday. */
    public TestCertificate expired(String hostName) {
        Instant now = clock.instant();
        return leaf(now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(1)), hostName);
    }

    /** A leaf issued by the root that becomes valid tomorrow. */
    public TestCertificate notYetValid(String hostName) {
        Instant now = clock.instant();
        return leaf(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(31)), hostName);
    }

    /** A leaf with its own validity window. */
    public TestCertificate leaf(Instant notBefore, Instant notAfter, String... hostNames) {
        KeyPair key = newKey();
        X509Certificate leaf = sign(key.getPublic(), new X500Name("CN=" + hostNames[0]), notBefore, notAfter,
                false, List.of(hostNames), rootKey, X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), root);
        return new TestCertificate(key.getPrivate(), List.of(leaf, root), List.of(hostNames));
    }

    /** A certificate for {@code hostName} that signs itself: no trust store trusts it. */
    public TestCertificate selfSigned(String hostName) {
        Instant now = clock.instant();
        KeyPair key = newKey();
        X500Name subject = new X500Name("CN=" + hostName);
        X509Certificate self = sign(key.getPublic(), subject, now.minus(Duration.ofDays(1)),
                now.plus(LEAF_LIFETIME), false, List.of(hostName), key, subject, null);
        return new TestCertificate(key.getPrivate(), List.of(self), List.of(hostName));
    }

    private static X509Certificate sign(PublicKey subjectKey, X500Name subject, Instant notBefore, Instant notAfter,
            boolean ca, List<String> dnsNames, KeyPair issuerKey, X500Name issuer,
            X509Certificate issuerCert /* null for a certificate that signs itself */) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
                    ? extensions.createAuthorityKeyIdentifier(issuerKey.getPublic())
                    : extensions.createAuthorityKeyIdentifier(issuerCert));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a test certificate", e);
        }
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 key generator", e);
        }
    }
}
