package org.starttls.policyd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.starttls.policyd.server.probe.ListenerProbe;
import org.starttls.policyd.server.probe.ListenerReport;
import org.starttls.policyd.server.probe.TrustAnchors;
import org.starttls.policyd.server.receiving.CertbotLineage;
import org.starttls.policyd.server.receiving.CertificateFindings;
import org.starttls.policyd.server.receiving.DeployHook;
import org.starttls.policyd.server.receiving.Finding;
import org.starttls.policyd.server.receiving.ListenerFindings;
import org.starttls.policyd.server.receiving.Postconf;
import org.starttls.policyd.server.receiving.ReceivingChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl tls-setup postfix|sendmail --cert-name NAME}: points the MTA's inbound STARTTLS
 * at a certbot lineage, installs a deploy hook that reloads it after each renewal, and checks the
 * result by connecting. Certificates come from certbot; this never obtains one.
 */
@Command(name = "tls-setup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Configure the MTA's inbound STARTTLS from a certbot lineage (LETSENCRYPT/live/NAME/"
                + "fullchain.pem and privkey.pem). postfix: sets smtpd_tls_cert_file, smtpd_tls_key_file, "
                + "smtpd_tls_security_level and TLS 1.2+ with postconf -e (old values are backed up in a file and "
                + "printed), installs a certbot deploy hook under LETSENCRYPT/renewal-hooks/deploy/ that checks a "
                + "renewed certificate with policyctl doctor and then reloads Postfix, reloads Postfix and verifies "
                + "by connecting to the smtpd listener of master.cf. sendmail: prints the .mc lines to add.",
            "It never obtains certificates: certbot does (certbot certonly --cert-name NAME -d MX-NAME ...)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Configured, and the listener serves the lineage's certificate.",
            "2:Invalid command line.",
            "6:Configured; the check found warnings only.",
            "7:Configured, but the check failed (the listener does not serve the certificate, or it is bad).",
            "74:A file could not be read or written, or postconf/postfix failed."})
final class TlsSetupCommand implements Callable<Integer> {
    /** How long a reloaded Postfix gets to serve the new certificate. */
    static final Duration RELOAD_WAIT = Duration.ofSeconds(20);
    private static final String TLS_1_2_AND_NEWER = "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "postfix|sendmail", description = "The MTA to configure.")
    DoctorCommand.Mta mta;

    @Option(names = "--cert-name", required = true, paramLabel = "NAME",
            description = "The certbot lineage (certbot's --cert-name; see certbot certificates).")
    String certName;

    @Option(names = "--dry-run", description = "Show the changes; change nothing.")
    boolean dryRun;

    @Option(names = "--postfix-config-dir", paramLabel = "DIR", defaultValue = "/etc/postfix",
            description = "Postfix configuration directory, as postconf -c (default: ${DEFAULT-VALUE}).")
    Path postfixConfigDir;

    @Option(names = "--letsencrypt-dir", paramLabel = "DIR", defaultValue = "/etc/letsencrypt",
            description = "certbot's --config-dir (default: ${DEFAULT-VALUE}).")
    Path letsencryptDir;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PEM bundle of trusted CA certificates for the checks, also passed to the deploy hook "
                    + "(default: the JDK's trust store).")
    Path trustStore;

    @Option(names = "--policyctl", paramLabel = "COMMAND", defaultValue = "policyctl",
            description = "How the deploy hook runs policyctl, words separated by spaces (default: ${DEFAULT-VALUE}).")
    String policyctl;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Limit for each connect and reply of the check (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final Clock clock;

    TlsSetupCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        CertbotLineage lineage;
        try {
            lineage = new CertbotLineage(letsencryptDir, certName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--cert-name: " + e.getMessage());
        }
        lineage.requireIssued();
        return mta == DoctorCommand.Mta.sendmail ? printSendmail(lineage) : setUpPostfix(lineage);
    }

    private int printSendmail(CertbotLineage lineage) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("dnl Add to sendmail.mc, then rebuild sendmail.cf (make -C /etc/mail) and restart sendmail:");
        out.println("define(`confCACERT_PATH', `/etc/ssl/certs')dnl");
        out.println("define(`confCACERT', `/etc/ssl/certs/ca-certificates.crt')dnl");
        out.println("define(`confSERVER_CERT', `" + lineage.fullchain() + "')dnl");
        out.println("define(`confSERVER_KEY', `" + lineage.privkey() + "')dnl");
        out.println("define(`confSERVER_SSL_OPTIONS', `+SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 "
                + "+SSL_OP_NO_TLSv1_1')dnl");
        out.println("dnl After each renewal Sendmail must be restarted: add a deploy hook under "
                + lineage.deployHookDirectory() + ".");
        out.flush();
        return ExitCodes.OK;
    }

    private int setUpPostfix(CertbotLineage lineage) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Postconf postconf = Postconf.find(postfixConfigDir);
        Map<String, String> wanted = new LinkedHashMap<>();
        if (!postconf.value("smtpd_tls_chain_files").isBlank()) {
            wanted.put("smtpd_tls_chain_files", ""); // it takes precedence over cert_file/key_file
        }
        wanted.put("smtpd_tls_cert_file", lineage.fullchain().toString());
        wanted.put("smtpd_tls_key_file", lineage.privkey().toString());
        String level = postconf.value("smtpd_tls_security_level");
        if (!level.equals("may") && !level.equals("encrypt")) {
            wanted.put("smtpd_tls_security_level", "may"); // encrypt on port 25 would refuse plain-text senders
        }
        wanted.put("smtpd_tls_protocols", TLS_1_2_AND_NEWER);
        wanted.put("smtpd_tls_mandatory_protocols", TLS_1_2_AND_NEWER);
        Map<String, String> explicit = postconf.explicitSettings();
        Map<String, String> changes = new LinkedHashMap<>();
        StringBuilder backup = new StringBuilder("# main.cf values before policyctl tls-setup postfix --cert-name "
                + certName + "; restore with postconf -c " + postfixConfigDir + " -e 'NAME=VALUE' (or -X NAME)\n");
        for (Map.Entry<String, String> want : wanted.entrySet()) {
            String name = want.getKey();
            String old = explicit.get(name);
            if (want.getValue().equals(old)) {
                continue;
            }
            changes.put(name, want.getValue());
            out.println(name + ": " + (old == null ? "(not set, default " + postconf.value(name) + ")" : old)
                    + " -> " + want.getValue());
            backup.append(old == null ? "# " + name + " was not set\n" : name + " = " + old + "\n");
        }
        Path hook = lineage.deployHookDirectory().resolve("policyctl-postfix-" + certName);
        String hookScript = DeployHook.script(lineage, doctorCommand(), List.of(
                Path.of(postconf.value("command_directory")).resolve("postfix").toString(), "-c",
                postfixConfigDir.toString(), "reload"));
        if (dryRun) {
            out.println(changes.isEmpty() ? "main.cf already has these settings." : "(dry run: main.cf not changed)");
            out.println("(dry run: would install the deploy hook " + hook + ")");
            out.flush();
            return ExitCodes.OK;
        }
        if (!changes.isEmpty()) {
            Path backupFile = postfixConfigDir.resolve("main.cf.before-tls-setup-" + clock.millis());
            Files.writeString(backupFile, backup, StandardCharsets.UTF_8);
            postconf.edit(changes);
            out.println("Old values saved in " + backupFile);
        }
        Files.createDirectories(hook.getParent());
        AtomicFiles.write(hook, hookScript);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        out.println("Deploy hook installed: " + hook);
        reload(postconf, out);
        return verify(postconf, lineage, out);
    }

    private List<String> doctorCommand() {
        List<String> words = new ArrayList<>(Arrays.asList(policyctl.strip().split("\\s+")));
        words.addAll(List.of("doctor", "--mta", "postfix", "--postfix-config-dir", postfixConfigDir.toString()));
        if (trustStore != null) {
            words.addAll(List.of("--trust-store", trustStore.toAbsolutePath().toString()));
        }
        return words;
    }

    private void reload(Postconf postconf, PrintWriter out) throws Exception {
        Path postfix = Path.of(postconf.value("command_directory")).resolve("postfix");
        if (run(postfix, "status") != 0) {
            out.println("Postfix is not running: start it to serve the certificate.");
            return;
        }
        if (run(postfix, "reload") != 0) {
            throw new IOException(postfix + " -c " + postfixConfigDir + " reload failed");
        }
        out.println("Postfix reloaded.");
    }

    private int run(Path postfix, String verb) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(postfix.toString(), "-c", postfixConfigDir.toString(), verb)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(postfix + " " + verb + " did not finish within 60s");
        }
        return process.exitValue();
    }

    /** Connects to the smtpd listener until it serves the lineage's certificate (a reload is not instant). */
    private int verify(Postconf postconf, CertbotLineage lineage, PrintWriter out) throws Exception {
        InetSocketAddress listener = SmtpdListener.find(postconf);
        X509Certificate expected;
        try (var in = Files.newInputStream(lineage.fullchain())) {
            expected = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException(lineage.fullchain() + " is not a PEM certificate: " + e.getMessage(), e);
        }
        ListenerProbe probe = new ListenerProbe(Duration.ofSeconds(timeoutSeconds), "tls-setup.policyctl.invalid");
        String name = postconf.value("myhostname");
        long deadline = System.nanoTime() + RELOAD_WAIT.toNanos();
        ListenerReport report = probe.probe(listener, name);
        while (!serves(report, expected) && System.nanoTime() < deadline) {
            Thread.sleep(500); // the reloaded smtpd processes start on their own schedule
            report = probe.probe(listener, name);
        }
        List<Finding> findings = new ArrayList<>();
        if (!serves(report, expected)) {
            findings.add(Finding.fail("served_certificate", "the listener " + listener + " does not serve "
                    + lineage.fullchain() + " (after " + RELOAD_WAIT.toSeconds() + "s)",
                    "see Postfix's log; is the smtpd listener of master.cf the one senders reach?"));
        }
        findings.addAll(ListenerFindings.judge(report, new CertificateFindings(TrustAnchors.load(trustStore), clock),
                name.isBlank() ? List.of() : List.of(name), "check smtpd_tls_security_level"));
        FindingsReport.printLines(out, findings);
        out.flush();
        return ReceivingChecks.exitCode(findings);
    }

    private static boolean serves(ListenerReport report, X509Certificate expected) {
        return report.handshakeCompleted() && !report.chain().isEmpty() && report.chain().get(0).equals(expected);
    }
}
