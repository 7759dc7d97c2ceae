package org.starttls.policyd.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl sts publish}: writes a domain's {@code mta-sts.txt}, checked with the same parser
 * policyd reads other domains' policies with, and prints the DNS records to add.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the MTA-STS policy file for your domain (validated with policyd's own parser) and print "
                + "the _mta-sts TXT record (with a fresh id) and the _smtp._tls TLS-RPT record to add.",
            "Serve the file as https://mta-sts.DOMAIN/.well-known/mta-sts.txt (text/plain, with a certificate valid "
                + "for mta-sts.DOMAIN, no redirect). Publish --mode testing first, read the TLS reports, then "
                + "--mode enforce: every change needs the new id in DNS.",
            "With --check, writes nothing and checks what is published instead, as policyctl sts check DOMAIN "
                + "does (--mx optional: the patterns the policy should list)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Written; --check: every check passed.",
            "2:Invalid command line (a domain or MX pattern that is not one, a max-age out of range).",
            "6:--check: warnings only (mode testing or none, a short max_age, no TLS-RPT record).",
            "7:--check: at least one failure (see policyctl sts check --help).",
            "74:The policy file could not be written.",
            "78:--check: the configuration file (--config) is missing or invalid."})
final class StsPublishCommand implements Callable<Integer> {
    /** One week: long enough to protect, short enough to correct a mistake while testing. */
    static final long DEFAULT_MAX_AGE_SECONDS = 604_800;
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    /** The modes one publishes ({@code none} withdraws a policy and is not offered here). */
    enum Mode { testing, enforce }

    @Spec
    CommandSpec spec;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "Your mail domain.")
    String domain;

    @Option(names = "--mx", arity = "1..*", paramLabel = "PATTERN",
            description = "MX host names or patterns (*.example.com: one label) the policy allows; repeatable. "
                    + "Required unless --check.")
    List<String> mx = new ArrayList<>();

    @Option(names = "--mode", defaultValue = "testing", paramLabel = "testing|enforce",
            description = "Policy mode (default: ${DEFAULT-VALUE}; enforce only after the reports are clean).")
    Mode mode;

    @Option(names = "--max-age", defaultValue = "" + DEFAULT_MAX_AGE_SECONDS, paramLabel = "SECONDS",
            description = "How long senders cache the policy (default: ${DEFAULT-VALUE}; at most 31557600).")
    long maxAge;

    @Option(names = "--output", defaultValue = "mta-sts.txt", paramLabel = "FILE",
            description = "Where to write the policy file (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--rua", paramLabel = "URI",
            description = "Where TLS reports go (default: mailto:tlsrpt@DOMAIN).")
    String rua;

    @Option(names = "--check", description = "Write nothing: check the domain's published MTA-STS from outside "
            + "(the same as policyctl sts check DOMAIN; takes --resolver, --trust-store, --json, --config).")
    boolean check;

    @Mixin
    StsCheckOptions checkOptions;

    private final java.time.Clock clock;
    private final StsFetchSettings fetch;

    StsPublishCommand(java.time.Clock clock, StsFetchSettings fetch) {
        this.clock = clock;
        this.fetch = fetch;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (check) {
            for (String writing : List.of("--mode", "--max-age", "--output", "--rua")) {
                if (cli.getParseResult().hasMatchedOption(writing)) {
                    throw new ParameterException(cli, writing + " writes a policy; --check writes nothing");
                }
            }
            return StsCheckCommand.run(spec, "--domain", domain, mx, checkOptions, clock, fetch);
        }
        if (checkOptions.given(cli)) {
            throw new ParameterException(cli, "--resolver, --trust-store, --json and --config go with --check");
        }
        if (mx.isEmpty()) {
            throw new ParameterException(cli, "Missing required option: '--mx=PATTERN' (or --check)");
        }
        String name;
        try {
            name = DomainName.of(domain).asString();
        } catch (InvalidNameException e) {
            throw new ParameterException(spec.commandLine(), "--domain: " + e.getMessage());
        }
        if (maxAge < 0 || maxAge > StsPolicy.MAX_MAX_AGE.toSeconds()) {
            throw new ParameterException(spec.commandLine(), "--max-age: " + maxAge + " is not in 0.."
                    + StsPolicy.MAX_MAX_AGE.toSeconds());
        }
        // Checked with the grammar `sts check` reads it with, before anything is written.
        String tlsRpt = "v=TLSRPTv1; rua=" + (rua == null ? "mailto:tlsrpt@" + name : rua);
        if (TlsRptRecord.select(List.of(tlsRpt)) instanceof TlsRptRecord.Invalid invalid) {
            throw new ParameterException(spec.commandLine(), "--rua: " + invalid.problem());
        }
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: " + mode.name() + "\r\n");
        for (String pattern : mx) {
            try {
                text.append("mx: ").append(StsMxPattern.of(pattern).toStsForm()).append("\r\n");
            } catch (InvalidNameException e) {
                throw new ParameterException(spec.commandLine(), "--mx: " + e.getMessage());
            }
        }
        text.append("max_age: ").append(maxAge).append("\r\n");
        byte[] body = text.toString().getBytes(StandardCharsets.US_ASCII);
        StsPolicyResult parsed = new StsPolicyParser().parse(body);
        if (parsed instanceof StsPolicyResult.Invalid invalid) {
            // Our own output must read back; if not, that is a bug, not the operator's input.
            throw new IllegalStateException("the written policy does not parse: " + invalid.detail());
        }
        AtomicFiles.write(output, text.toString());
        String id = ID.format(clock.instant());
        PrintWriter out = spec.commandLine().getOut();
        out.println("Wrote " + output + " (mode " + mode.name() + ", max_age " + maxAge + ", " + mx.size()
                + " MX pattern" + (mx.size() == 1 ? "" : "s") + ").");
        out.println("Serve it as https://mta-sts." + name + "/.well-known/mta-sts.txt (text/plain, a certificate "
                + "valid for mta-sts." + name + ", no redirect).");
        out.println("Then add these DNS records (a new id each time the file changes):");
        out.println("_mta-sts." + name + ". IN TXT \"v=STSv1; id=" + id + "\"");
        out.println("_smtp._tls." + name + ". IN TXT \"" + tlsRpt + "\"");
        if (mode == Mode.testing) {
            out.println("Testing first: senders report failures but still deliver. When the reports are clean for a "
                    + "few weeks, publish again with --mode enforce.");
        } else {
            out.println("enforce: senders that honour MTA-STS will defer mail rather than deliver it to an MX that "
                    + "is not listed or has no valid certificate. Check with policyctl doctor first.");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
