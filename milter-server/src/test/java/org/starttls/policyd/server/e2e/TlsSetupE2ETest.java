package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.server.testing.TestCertificates;
import org.starttls.policyd.server.testing.TestCertificates.Issued;

/**
 * {@code policyctl tls-setup postfix} on a real private Postfix without STARTTLS, from a lineage laid
 * out as certbot lays it out: postconf changes with a backup, the deploy hook, the reload, and the
 * check by connecting; then the hook itself, run as certbot runs it after a renewal.
 */
class TlsSetupE2ETest {
    private static final Instant NOW = Instant.now();
    private static final String HOST = PostfixConfig.HOSTNAME;

    @TempDir
    static Path dir;
    private static Issued ca;
    private static Path trustStore;

    @BeforeAll
    static void ca() {
        PostfixAvailability.commandDirectoryOrSkip();
        ca = TestCertificates.ca("Setup Test CA", NOW.minus(Duration.ofDays(400)), NOW.plus(Duration.ofDays(400)));
        trustStore = ca.writePem(dir.resolve("ca.pem"));
    }

    record Run(int exit, String out) {
    }

    static Run policyctl(String... args) {
        StringWriter out = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(out), args);
        return new Run(exit, out.toString());
    }

    /** Writes {@code issued} where certbot keeps lineage {@code name}: live/NAME/{fullchain,privkey}.pem. */
    static void lineage(Path letsencrypt, String name, Issued issued) throws IOException {
        Path live = Files.createDirectories(letsencrypt.resolve("live").resolve(name));
        Path[] files = PemFiles.write(issued, live, "new");
        Files.move(files[0], live.resolve("fullchain.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(files[1], live.resolve("privkey.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The java command that runs policyctl from this test's class path, for the deploy hook. */
    static String policyctlCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -cp " + System.getProperty("java.class.path")
                + " org.starttls.policyd.cli.PolicyCtl";
    }

    @Test
    void configuresPostfixFromALineageAndTheHookServesARenewal() throws Exception {
        try (PostfixInstance postfix = PostfixInstance.create("tls-setup")) {
            postfix.setMain("smtpd_tls_security_level", "none");
            postfix.start();
            Path letsencrypt = Files.createDirectories(postfix.scratchDirectory().resolve("letsencrypt"));
            Issued first = TestCertificates.issue(ca, HOST, List.of(HOST), NOW.minus(Duration.ofDays(1)),
                    NOW.plus(Duration.ofDays(89)));
            lineage(letsencrypt, "mx", first);
            String config = postfix.configDirectory().toString();

            Run dry = policyctl("tls-setup", "postfix", "--cert-name", "mx", "--dry-run", "--postfix-config-dir", config,
                    "--letsencrypt-dir", letsencrypt.toString(), "--trust-store", trustStore.toString());
            assertEquals(0, dry.exit(), dry.out());
            assertTrue(dry.out().contains("smtpd_tls_security_level: none -> may"), dry.out());
            assertEquals("none", postfix.run("postconf", "-h", "smtpd_tls_security_level").stdout().strip());

            Run setup = policyctl("tls-setup", "postfix", "--cert-name", "mx", "--postfix-config-dir", config,
                    "--letsencrypt-dir", letsencrypt.toString(), "--trust-store", trustStore.toString(),
                    "--policyctl", policyctlCommand());
            assertEquals(0, setup.exit(), setup.out() + postfix.log());
            assertEquals("may", postfix.run("postconf", "-h", "smtpd_tls_security_level").stdout().strip());
            Path backup;
            try (var files = Files.list(postfix.configDirectory())) {
                backup = files.filter(f -> f.getFileName().toString().startsWith("main.cf.before-tls-setup-"))
                        .findFirst().orElseThrow(() -> new AssertionError("no backup in " + config));
            }
            assertTrue(Files.readString(backup).contains("smtpd_tls_security_level = none"), Files.readString(backup));
            assertTrue(setup.out().contains(backup.toString()), setup.out());
            // What policyd needs outbound (smtpd needs no reload for these), then doctor sees the new setup.
            Files.copy(trustStore, postfix.configDirectory().resolve("ca.pem"));
            postfix.run("postconf", "-e", "smtp_tls_CAfile=" + postfix.configDirectory().resolve("ca.pem"),
                    "smtp_tls_policy_maps=socketmap:inet:127.0.0.1:5461:policy", "smtp_dns_support_level=dnssec")
                    .orThrow();
            Run doctor = policyctl("doctor", "--postfix-config-dir", config, "--smtp", "127.0.0.1:" + postfix.smtpdPort(),
                    "--trust-store", trustStore.toString());
            assertEquals(0, doctor.exit(), doctor.out());

            // A renewal: certbot replaces the files, then runs the hook with RENEWED_LINEAGE.
            Issued renewed = TestCertificates.issue(ca, HOST, List.of(HOST), NOW.minus(Duration.ofMinutes(5)),
                    NOW.plus(Duration.ofDays(90)));
            lineage(letsencrypt, "mx", renewed);
            Path hook = letsencrypt.resolve("renewal-hooks/deploy/policyctl-postfix-mx");
            CommandResult ran = new CommandRunner(postfix.scratchDirectory()).run(Duration.ofSeconds(60),
                    List.of("env", "RENEWED_LINEAGE=" + letsencrypt.resolve("live/mx"), hook.toString()));
            assertEquals(0, ran.exitCode(), ran.describe());
            Polling.until(Duration.ofSeconds(20), () -> ListenerCertificate.served(postfix.smtpdPort(), HOST)
                    .filter(renewed.certificate()::equals), () -> "the renewed certificate is not served\n" + postfix.log());

            // A renewed certificate for the wrong name is refused by the hook: no reload.
            lineage(letsencrypt, "mx", TestCertificates.issue(ca, "wrong.example", List.of("wrong.example"),
                    NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofDays(90))));
            CommandResult refused = new CommandRunner(postfix.scratchDirectory()).run(Duration.ofSeconds(60),
                    List.of("env", "RENEWED_LINEAGE=" + letsencrypt.resolve("live/mx"), hook.toString()));
            assertEquals(1, refused.exitCode(), refused.describe());
            assertTrue(refused.stderr().contains("not reloading"), refused.describe());
        }
    }
}
