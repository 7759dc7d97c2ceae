package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.starttls.policyd.server.probe.ListenerProbe;
import org.starttls.policyd.server.probe.MxHost;
import org.starttls.policyd.server.probe.MxLookup;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.server.probe.TrustAnchors;
import org.starttls.policyd.server.receiving.CertificateFindings;
import org.starttls.policyd.server.receiving.Finding;
import org.starttls.policyd.server.receiving.ListenerFindings;
import org.starttls.policyd.server.receiving.MtaSettings;
import org.starttls.policyd.server.receiving.Postconf;
import org.starttls.policyd.server.receiving.PostfixSettings;
import org.starttls.policyd.server.receiving.ReceivingChecks;
import org.starttls.policyd.server.receiving.SendmailSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl doctor}: checks the receiving side of one's own MTA as a verifying sender
 * would see it, and the outbound settings policyd's answers need; each finding with its fix.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check your own MTA's receiving side as a verifying sender sees it, and the outbound "
                + "settings policyd needs: STARTTLS offered, TLS 1.2+ only (TLS 1.0/1.1 are probed for), the "
                + "certificate chain (system trust store), its names against the MX names, days to expiry "
                + "(warning under 21), key and certificate file permissions, smtp_tls_policy_maps, "
                + "smtp_tls_CAfile/CApath and DANE prerequisites. Each problem comes with a fix.",
            "Reads Postfix's settings with postconf -c DIR; Sendmail's from its sendmail.cf. Connects to the "
                + "listener given by --smtp (default 127.0.0.1:25)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Every check passed.",
            "2:Invalid command line.",
            "6:Warnings only (e.g. under 21 days to expiry, policyd not in smtp_tls_policy_maps).",
            "7:At least one failure (no STARTTLS, expired or wrong-name certificate, TLS below 1.2 accepted, "
                + "no CA file for outbound verification, a key readable by others).",
            "70:Internal error.",
            "74:The MTA's settings could not be read (postconf failed, sendmail.cf unreadable)."})
final class DoctorCommand implements Callable<Integer> {
    /** Which MTA's settings to read. */
    enum Mta { postfix, sendmail }

    @Spec
    CommandSpec spec;

    @Option(names = "--mta", defaultValue = "postfix", paramLabel = "postfix|sendmail",
            description = "The MTA to check (default: ${DEFAULT-VALUE}).")
    Mta mta;

    @Option(names = "--json", description = "Print one JSON object with every finding, for scripts.")
    boolean json;

    @Option(names = "--postfix-config-dir", paramLabel = "DIR", defaultValue = "/etc/postfix",
            description = "Postfix configuration directory, as postconf -c (default: ${DEFAULT-VALUE}).")
    Path postfixConfigDir;

    @Option(names = "--sendmail-cf", paramLabel = "FILE", defaultValue = "/etc/mail/sendmail.cf",
            description = "Sendmail's generated configuration (default: ${DEFAULT-VALUE}).")
    Path sendmailCf;

    @Option(names = "--smtp", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:25",
            description = "The SMTP listener to connect to (default: ${DEFAULT-VALUE}).")
    String smtp;

    @Option(names = "--mx-name", paramLabel = "NAME",
            description = "An MX name the certificate must cover; repeatable (default: the MTA's own host name, "
                    + "Postfix's myhostname).")
    List<String> mxNames = new ArrayList<>();

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "A domain this host receives mail for: its MX names (looked up in DNS) must be covered "
                    + "too; repeatable.")
    List<String> domains = new ArrayList<>();

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PEM bundle of trusted CA certificates (default: the JDK's trust store).")
    Path trustStore;

    @Option(names = "--resolver", paramLabel = "IP[:PORT]",
            description = "DNS server for --domain's MX lookups (default: the system's resolvers).")
    String resolver;

    @Option(names = "--cert-file", paramLabel = "FILE",
            description = "Check only this PEM certificate chain (chain, expiry, names), without connecting: "
                    + "what the certbot deploy hook of tls-setup does before it reloads the MTA.")
    Path certFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Limit for each connect and reply (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final Clock clock;

    DoctorCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout: must be at least 1 second");
        }
        InetSocketAddress listener = ListenerAddress.parse(spec.commandLine(), smtp);
        CertificateFindings certificates;
        try {
            certificates = new CertificateFindings(TrustAnchors.load(trustStore), clock);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--trust-store: " + e.getMessage());
        }
        List<Finding> findings = new ArrayList<>();
        if (certFile != null) {
            // The names still come from the MTA (myhostname) unless --mx-name gives them.
            List<String> names = names(mxNames.isEmpty() ? namesForCertFile() : List.of(), findings);
            findings.addAll(certificates.judge(readChain(certFile), names));
        } else {
            MtaSettings settings = settings();
            List<String> names = names(settings.ownNames(), findings);
            ListenerProbe probe = new ListenerProbe(Duration.ofSeconds(timeoutSeconds), "doctor.policyctl.invalid");
            findings.addAll(ListenerFindings.judge(probe.probe(listener, names.isEmpty() ? null : names.get(0)),
                    certificates, names, starttlsFix()));
            findings.addAll(ReceivingChecks.fileFindings(settings));
            findings.addAll(settings.outboundFindings());
        }
        int exit = ReceivingChecks.exitCode(findings);
        print(findings, exit);
        return exit;
    }

    /**
     * The MTA's own names for {@code --cert-file} without {@code --mx-name}: a host whose MTA settings
     * cannot be read (no main.cf, a Sendmail host asked as Postfix) is told the option that needs none.
     */
    private List<String> namesForCertFile() throws IOException {
        try {
            return settings().ownNames();
        } catch (IOException e) {
            String hint = e.getMessage() + "; to check the file without the MTA's settings, name the host names it "
                    + "must cover with --mx-name NAME";
            if (e instanceof Postconf.PostfixException) {
                throw new Postconf.PostfixException(hint);
            }
            throw new IOException(hint, e);
        }
    }

    private MtaSettings settings() throws IOException, Postconf.PostfixException {
        if (mta == Mta.sendmail) {
            return SendmailSettings.read(sendmailCf);
        }
        return PostfixSettings.read(Postconf.find(postfixConfigDir));
    }

    private String starttlsFix() {
        return mta == Mta.postfix
                ? "postconf -e 'smtpd_tls_security_level = may' with a certificate: policyctl tls-setup postfix "
                        + "--cert-name NAME"
                : "add confSERVER_CERT/confSERVER_KEY/confCACERT to the .mc file: policyctl tls-setup sendmail "
                        + "--cert-name NAME";
    }

    /** --mx-name (or the MTA's own names), then the MX hosts of each --domain. */
    private List<String> names(List<String> ownNames, List<Finding> findings) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        (mxNames.isEmpty() ? ownNames : mxNames).forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        if (!domains.isEmpty()) {
            InetSocketAddress server;
            try {
                server = resolver == null ? null : ResolverAddress.parse(resolver);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--resolver: " + e.getMessage());
            }
            MxLookup dns = new MxLookup(MxLookup.resolver(server), Duration.ofSeconds(timeoutSeconds));
            for (String domain : domains) {
                try {
                    dns.mxHosts(domain).stream().map(MxHost::name).forEach(names::add);
                } catch (MxLookup.DnsException e) {
                    findings.add(Finding.warn("mx_names", "MX lookup of " + domain + " failed: " + e.getMessage(),
                            "check DNS (or --resolver), or name the MX hosts with --mx-name"));
                }
            }
        }
        return List.copyOf(names);
    }

    private static List<X509Certificate> readChain(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(c -> chain.add((X509Certificate) c));
            return chain;
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private void print(List<Finding> findings, int exit) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = FindingsReport.object();
            node.put("mta", mta.name());
            if (certFile == null) {
                node.put("smtp", smtp);
            } else {
                node.put("cert_file", certFile.toString());
            }
            FindingsReport.printJson(out, node, findings, exit);
        } else {
            FindingsReport.printText(out, findings);
        }
        out.flush();
    }
}
