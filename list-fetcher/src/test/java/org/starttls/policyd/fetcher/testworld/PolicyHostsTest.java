package org.starttls.policyd.fetcher.testworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The fixture itself: the certificate follows SNI, each host answers its own response. */
class PolicyHostsTest {
    @Test
    void choosesTheCertificateBySniAndAnswersPerHost() throws Exception {
        TestCa ca = TestCa.create();
        try (PolicyHosts hosts = PolicyHosts.start(ca)) {
            hosts.serve("mta-sts.a.test", PolicyResponse.policy("version: STSv1\n"));

            String a = exchange(ca, hosts.port(), "mta-sts.a.test");
            String b = exchange(ca, hosts.port(), "mta-sts.b.test");

            assertTrue(a.startsWith("HTTP/1.1 200 OK\r\n") && a.endsWith("\r\n\r\nversion: STSv1\n"), a);
            assertTrue(b.startsWith("HTTP/1.1 404 "), b);
            assertEquals(1, hosts.requests("mta-sts.a.test"));
            assertEquals(1, hosts.requests("MTA-STS.B.test"));
            assertTrue(hosts.lastRequest("mta-sts.a.test").contains("Host: mta-sts.a.test\r\n"));
        }
    }

    @Test
    void theRootPemIsATrustAnchorForTheLeaves() throws Exception {
        TestCa ca = TestCa.create();
        X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(ca.rootPem().getBytes(StandardCharsets.US_ASCII)));

        assertEquals(ca.root(), root);
        ca.leaf("mta-sts.a.test").leaf().verify(root.getPublicKey());
        assertEquals(List.of("mta-sts.a.test"), ca.leaf("mta-sts.a.test").names());
    }

    private static String exchange(TestCa ca, int port, String host) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("root", ca.root());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host))); // the chain is checked by the trust store
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
