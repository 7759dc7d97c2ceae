package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiving side end to end with real parts: pebble and certbot obtain a certificate,
 * {@code tls-setup postfix} configures a private Postfix with it, {@code posttls-finger} and
 * {@code doctor} verify STARTTLS with a chain to pebble's root, and a forced {@code certbot renew}
 * runs the deploy hook so that Postfix serves the renewed certificate.
 */
class AcmeCertificateE2ETest {
    private static final String HOST = PostfixConfig.HOSTNAME;

    @TempDir
    Path dir;

    @Test
    void certbotIssuesTlsSetupConfiguresAndARenewalIsServed() throws Exception {
        PostfixAvailability.commandDirectoryOrSkip();
        try (AcmeWorld acme = AcmeWorld.start(dir); PostfixInstance postfix = PostfixInstance.create("acme")) {
            Path root = acme.fetchRoot(dir.resolve("pebble-root.pem"));
            postfix.setMain("smtpd_tls_security_level", "none");
            postfix.setMain("smtp_tls_CAfile", root.toString());
            postfix.setMain("smtp_tls_policy_maps", "socketmap:inet:127.0.0.1:5461:policy");
            postfix.setMain("smtp_dns_support_level", "dnssec");
            postfix.start();
            Path letsencrypt = Files.createDirectories(postfix.scratchDirectory().resolve("letsencrypt"));
            acme.certonly(letsencrypt, "mx", HOST).orThrow();

            TlsSetupE2ETest.Run setup = TlsSetupE2ETest.policyctl("tls-setup", "postfix", "--cert-name", "mx",
                    "--postfix-config-dir", postfix.configDirectory().toString(), "--letsencrypt-dir",
                    letsencrypt.toString(), "--trust-store", root.toString(), "--policyctl",
                    TlsSetupE2ETest.policyctlCommand());
            assertEquals(0, setup.exit(), setup.out() + postfix.log());

            CommandResult finger = new CommandRunner(postfix.scratchDirectory()).run(Duration.ofSeconds(60), List.of(
                    "env", "MAIL_CONFIG=" + postfix.configDirectory(), postfix.commandDirectory().resolve("posttls-finger")
                            .toString(), "-c", "-l", "secure", "-F", root.toString(),
                    "[127.0.0.1]:" + postfix.smtpdPort(), HOST));
            assertTrue(finger.stdout().contains("Verified TLS connection established"), finger.describe());

            TlsSetupE2ETest.Run doctor = TlsSetupE2ETest.policyctl("doctor", "--postfix-config-dir",
                    postfix.configDirectory().toString(), "--smtp", "127.0.0.1:" + postfix.smtpdPort(),
                    "--trust-store", root.toString());
            assertEquals(0, doctor.exit(), doctor.out());
            assertTrue(doctor.out().contains("Pebble"), doctor.out());

            X509Certificate first = leaf(letsencrypt.resolve("live/mx/cert.pem"));
            CommandResult renew = acme.certbot(letsencrypt, "renew", "--force-renewal",
                    "--no-random-sleep-on-renew").orThrow(); // run without a terminal, certbot sleeps up to 8 minutes
            X509Certificate renewed = leaf(letsencrypt.resolve("live/mx/cert.pem"));
            assertNotEquals(first, renewed, renew.describe());
            Polling.until(Duration.ofSeconds(30), () -> ListenerCertificate.served(postfix.smtpdPort(), HOST)
                            .filter(renewed::equals),
                    () -> "Postfix does not serve the renewed certificate\n" + renew.describe() + postfix.log());
        }
    }

    private static X509Certificate leaf(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
