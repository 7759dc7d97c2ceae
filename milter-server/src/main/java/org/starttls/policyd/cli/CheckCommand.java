package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.server.check.CheckRunner;
import org.starttls.policyd.server.check.DomainCheck;
import org.starttls.policyd.server.check.Eligibility;
import org.starttls.policyd.server.config.DaemonSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl check DOMAIN...}: whether each domain could go into a list of one's own, and
 * in which mode (the eligibility check EFF's starttls-check made).
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check whether each domain is fit for a STARTTLS list of your own, as 'policyctl list build' "
                + "does before it adds one: its MXes (DNS), each MX's STARTTLS, TLS 1.2+, certificate chain, dates "
                + "and name (opening SMTP connections to port 25 by default), DANE TLSA presence, and its MTA-STS "
                + "record and policy.",
            "Verdicts: eligible for enforce (every MX passed, and MTA-STS, if published, is in enforce mode and "
                + "covers every MX); for testing only (TLS works, but a certificate is wrong, expired or untrusted, "
                + "an MX could not be reached, or MTA-STS is in testing mode, broken, or does not cover an MX); "
                + "not eligible (an MX without STARTTLS or TLS 1.2+, no MX reachable, a null MX, MTA-STS mode none, "
                + "or DNS failed)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Every domain is eligible for enforce.",
            "1:Some arguments are not domain names; every other domain is eligible for enforce.",
            "2:Invalid command line.",
            "6:Every domain is eligible at least for testing; some only for testing.",
            "7:At least one domain is not eligible.",
            "70:Internal error.",
            "78:The configuration file is missing or invalid."})
final class CheckCommand implements Callable<Integer> {
    /** Domains checked at once when several are given. */
    static final int PARALLELISM = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Mixin
    CheckOptions options;

    @Option(names = "--json", description = "Print one JSON object with a result per domain, for scripts.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "Domains to check.")
    List<String> domains;

    private final Clock clock;

    CheckCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> errors = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String domain : domains) {
            try {
                names.add(DomainName.of(domain).asString());
            } catch (InvalidNameException e) {
                errors.add(e.getMessage());
                err.println("ERROR: " + e.getMessage());
            }
        }
        DaemonSettings settings = config.settings();
        List<DomainCheck> checks;
        try (CheckOptions.OpenCheck open = options.open(settings.dns().resolver(), settings.mtaSts().trustStore(),
                settings.probe().trustStore(), clock)) {
            checks = CheckRunner.checkAll(open.check(), List.copyOf(names), PARALLELISM);
        }
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            ArrayNode results = node.putArray("domains");
            checks.forEach(check -> results.add(CheckReport.toJson(check)));
            ArrayNode refused = node.putArray("errors");
            errors.forEach(refused::add);
            out.println(JSON.writeValueAsString(node));
        } else {
            checks.forEach(check -> CheckReport.print(out, check));
        }
        out.flush();
        err.flush();
        Eligibility worst = checks.stream().map(DomainCheck::verdict).reduce(Eligibility.ENFORCE, Eligibility::worse);
        return switch (worst) {
            case NOT_ELIGIBLE -> ExitCodes.NOT_ELIGIBLE;
            case TESTING -> ExitCodes.TESTING_ONLY;
            case ENFORCE -> errors.isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
        };
    }
}
