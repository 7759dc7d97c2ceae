package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.server.testing.TestCertificates;
import org.starttls.policyd.server.testing.TestCertificates.Issued;

/**
 * {@code policyctl doctor} against a real private Postfix whose smtpd offers STARTTLS with
 * certificates minted here: each broken receiving or outbound setting is flagged with its exit code.
 */
class DoctorE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.now();
    private static final String HOST = PostfixConfig.HOSTNAME;

    @TempDir
    static Path dir;
    private static Issued ca;
    private static Path trustStore;

    @BeforeAll
    static void ca() {
        PostfixAvailability.commandDirectoryOrSkip();
        ca = TestCertificates.ca("Doctor Test CA", NOW.minus(Duration.ofDays(400)), NOW.plus(Duration.ofDays(400)));
        trustStore = ca.writePem(dir.resolve("ca.pem"));
    }

    private record Run(int exit, JsonNode json, String out) {
        String status(String check) {
            for (JsonNode finding : json.get("checks")) {
                if (finding.get("check").asText().equals(check)) {
                    return finding.get("status").asText();
                }
            }
            return "absent";
        }
    }

    /** A Postfix serving {@code certificate} (null: no STARTTLS), adjusted by {@code adjust}, checked by doctor. */
    private static Run doctor(String name, Issued certificate, Consumer<PostfixInstance> adjust) throws IOException {
        try (PostfixInstance postfix = PostfixInstance.create("doctor-" + name)) {
            serve(postfix, certificate);
            adjust.accept(postfix);
            postfix.start();
            return doctor(postfix);
        }
    }

    static void serve(PostfixInstance postfix, Issued certificate) throws IOException {
        // What policyd needs outbound, so that only the case under test fails.
        postfix.setMain("smtp_tls_CAfile", trustStore.toString());
        postfix.setMain("smtp_tls_policy_maps", "socketmap:inet:127.0.0.1:5461:policy");
        postfix.setMain("smtp_dns_support_level", "dnssec");
        if (certificate == null) {
            postfix.setMain("smtpd_tls_security_level", "none");
            return;
        }
        Path[] files = PemFiles.write(certificate, postfix.scratchDirectory(), "server");
        postfix.setMain("smtpd_tls_security_level", "may");
        // Postfix 3.7's default still allows TLS 1.0/1.1 (and Debian 12's OpenSSL completes a TLS 1.1
        // handshake): what tls-setup sets.
        postfix.setMain("smtpd_tls_protocols", ">=TLSv1.2");
        postfix.setMain("smtpd_tls_cert_file", files[0].toString());
        postfix.setMain("smtpd_tls_key_file", files[1].toString());
    }

    static Run doctor(PostfixInstance postfix, String... extra) {
        List<String> args = new ArrayList<>(List.of("doctor", "--json", "--postfix-config-dir",
                postfix.configDirectory().toString(), "--smtp", "127.0.0.1:" + postfix.smtpdPort(),
                "--trust-store", trustStore.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        try {
            return new Run(exit, JSON.readTree(out.toString()), out + err.toString() + "\n" + postfix.log());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + out + err, e);
        }
    }

    private static Issued issue(List<String> names, Instant notBefore, Instant notAfter) {
        return TestCertificates.issue(ca, names.get(0), names, notBefore, notAfter);
    }

    private static Issued good() {
        return issue(List.of(HOST), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(89)));
    }

    @Test
    void aWellConfiguredPostfixPassesEveryCheck() throws IOException {
        Run run = doctor("good", good(), p -> { });
        assertEquals(0, run.exit(), run.out());
        assertEquals("pass", run.status("starttls"), run.out());
        assertEquals("pass", run.status("tls_version"), run.out());
        assertEquals("pass", run.status("certificate_names"), run.out());
        assertEquals("pass", run.status("key_file"), run.out());
    }

    @Test
    void noStarttlsIsAFailure() throws IOException {
        Run run = doctor("plain", null, p -> { });
        assertEquals(7, run.exit(), run.out());
        assertEquals("fail", run.status("starttls"), run.out());
        assertEquals("fail", run.status("certificate_files"), run.out());
    }

    @Test
    void anExpiredCertificateIsAFailure() throws IOException {
        Run run = doctor("expired", issue(List.of(HOST), NOW.minus(Duration.ofDays(90)), NOW.minus(Duration.ofDays(1))),
                p -> { });
        assertEquals(7, run.exit(), run.out());
        assertEquals("fail", run.status("certificate_expiry"), run.out());
        assertEquals("pass", run.status("certificate_chain"), run.out());
    }

    @Test
    void aWrongNameCertificateIsAFailure() throws IOException {
        Run run = doctor("wrongname", issue(List.of("other.example"), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(60))), p -> { });
        assertEquals(7, run.exit(), run.out());
        assertEquals("fail", run.status("certificate_names"), run.out());
    }

    @Test
    void aNearExpiryIsOnlyAWarning() throws IOException {
        Run run = doctor("soon", issue(List.of(HOST), NOW.minus(Duration.ofDays(70)), NOW.plus(Duration.ofDays(10))),
                p -> { });
        assertEquals(6, run.exit(), run.out());
        assertEquals("warn", run.status("certificate_expiry"), run.out());
    }

    @Test
    void aMissingSmtpTlsCaFileIsAFailure() throws IOException {
        Run run = doctor("nocafile", good(), p -> {
            p.setMain("smtp_tls_CAfile", "");
            p.setMain("smtp_tls_CApath", "");
        });
        assertEquals(7, run.exit(), run.out());
        assertEquals("fail", run.status("smtp_tls_CAfile"), run.out());
    }

    @Test
    void aKeyReadableByOthersIsAFailure() throws IOException {
        Run run = doctor("openkey", good(), p -> {
            try {
                Files.setPosixFilePermissions(p.scratchDirectory().resolve("server.key"),
                        PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(7, run.exit(), run.out());
        assertEquals("fail", run.status("key_file"), run.out());
    }

    @Test
    void acceptingTls10IsAFailure() throws IOException {
        Run run = doctor("legacy", good(), p -> {
            p.setMain("smtpd_tls_protocols", "!SSLv2, !SSLv3"); // Postfix 3.7's default
        });
        assertEquals(7, run.exit(), run.out());
        assertEquals("fail", run.status("tls_version"), run.out());
        assertTrue(run.out().contains("accepted TLS 1."), run.out());
    }

    @Test
    void policydMissingFromThePolicyMapsIsAWarning() throws IOException {
        Run run = doctor("nomaps", good(), p -> p.setMain("smtp_tls_policy_maps", ""));
        assertEquals(6, run.exit(), run.out());
        assertEquals("warn", run.status("smtp_tls_policy_maps"), run.out());
        // The fix is the line the operator guide and deploy/postfix/main.cf.snippet give.
        assertTrue(run.out().contains("smtp_tls_policy_maps = socketmap:inet:127.0.0.1:5461:starttls'"), run.out());
    }

}
