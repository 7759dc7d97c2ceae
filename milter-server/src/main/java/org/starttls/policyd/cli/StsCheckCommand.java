package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.sts.DnsStsRecordSource;
import org.starttls.policyd.fetcher.sts.HttpsStsPolicySource;
import org.starttls.policyd.fetcher.sts.PolicyHostTrust;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.receiving.Finding;
import org.starttls.policyd.server.receiving.ReceivingChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code policyctl sts check DOMAIN} (also {@code sts publish --check}): a domain's published
 * MTA-STS checked from outside with policyd's own resolver code, each problem with its fix.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check your domain's published MTA-STS from outside, as a sending MTA reads it, with policyd's "
                + "own DNS client, HTTPS fetch and parser: the _mta-sts TXT record (exactly one v=STSv1 record with a "
                + "valid id), mta-sts.DOMAIN's address, its certificate (valid for the name, chained to the trust "
                + "store), the response (200, text/plain, at most 64 KiB, no redirect), the policy's grammar, that "
                + "every MX host of the domain matches an mx: pattern (and, with --mx, that the patterns are exactly "
                + "those), and the _smtp._tls TLS-RPT record. Advises enforce after testing and a longer max_age.",
            "The same as policyctl sts publish --check --domain DOMAIN."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Every check passed: senders fetch and apply the policy.",
            "2:Invalid command line.",
            "6:Warnings only (mode testing or none, a short max_age, the policy host's certificate under 21 days "
                + "from expiry, no TLS-RPT record, ignored policy lines).",
            "7:At least one failure (no or several TXT records, a bad id, no policy host, a certificate senders "
                + "refuse, not 200 text/plain, a policy that does not parse, an MX host no pattern matches).",
            "70:Internal error.",
            "78:The configuration file (--config) is missing or invalid."})
final class StsCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The mail domain whose publication to check.")
    String domain;

    @Option(names = "--mx", arity = "1..*", paramLabel = "PATTERN",
            description = "The MX patterns the policy should list (as given to sts publish); repeatable.")
    List<String> mx = new ArrayList<>();

    @Mixin
    StsCheckOptions options;

    private final Clock clock;
    private final StsFetchSettings fetch;

    /** @param clock for the policy certificate's days left; {@code fetch}: the fetch's limits (port 443 but in tests) */
    StsCheckCommand(Clock clock, StsFetchSettings fetch) {
        this.clock = clock;
        this.fetch = fetch;
    }

    @Override
    public Integer call() throws ConfigException, IOException {
        return run(spec, "DOMAIN", domain, mx, options, clock, fetch);
    }

    /** The check, for this command and for {@code sts publish --check}; {@code domainLabel} names the argument in errors. */
    static int run(CommandSpec spec, String domainLabel, String domainText, List<String> mxTexts,
            StsCheckOptions options, Clock clock, StsFetchSettings fetch) throws ConfigException, IOException {
        String domain;
        try {
            domain = DomainName.of(domainText).asString();
        } catch (InvalidNameException e) {
            throw new ParameterException(spec.commandLine(), domainLabel + ": " + e.getMessage());
        }
        List<StsMxPattern> expected = new ArrayList<>();
        for (String pattern : mxTexts) {
            try {
                expected.add(StsMxPattern.of(pattern));
            } catch (InvalidNameException e) {
                throw new ParameterException(spec.commandLine(), "--mx: " + e.getMessage());
            }
        }
        DnsSettings dnsSettings = options.dns(spec.commandLine());
        PolicyHostTrust trust = options.trust(spec.commandLine());
        DnsClient dns = new DnsClient(dnsSettings);
        StsPublicationCheck.Report report;
        try (HttpsStsPolicySource policies = new HttpsStsPolicySource(dns, trust, fetch)) {
            report = new StsPublicationCheck(dns, new DnsStsRecordSource(dns), policies, trust.description(),
                    fetch.maxBodyBytes(), clock)
                    .check(domain, expected);
        }
        List<Finding> findings = report.findings();
        int exit = ReceivingChecks.exitCode(findings);
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            ObjectNode head = FindingsReport.object();
            head.put("domain", domain);
            head.put("resolver", dnsSettings.describeResolver());
            head.put("trust_store", trust.description());
            putCertificate(head, report);
            FindingsReport.printJson(out, head, findings, exit);
        } else {
            out.println("MTA-STS of " + domain + " as senders see it (DNS: " + dnsSettings.describeResolver()
                    + "; certificates: " + trust.description() + "):");
            FindingsReport.printText(out, findings);
        }
        out.flush();
        return exit;
    }

    /** For scripts that track renewal: the policy host's notAfter and days left, or nulls without a verified handshake. */
    private static void putCertificate(ObjectNode head, StsPublicationCheck.Report report) {
        Instant notAfter = report.certificateNotAfter();
        if (notAfter == null) {
            head.putNull("policy_certificate_expires");
            head.putNull("policy_certificate_days_left");
        } else {
            head.put("policy_certificate_expires", notAfter.toString());
            head.put("policy_certificate_days_left", PolicyFindings.daysLeft(report.checkedAt(), notAfter));
        }
    }
}
