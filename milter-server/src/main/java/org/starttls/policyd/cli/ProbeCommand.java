package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.server.probe.DomainProber;
import org.starttls.policyd.server.probe.DomainReport;
import org.starttls.policyd.server.probe.DomainStatus;
import org.starttls.policyd.server.probe.MxReport;
import org.starttls.policyd.server.probe.ProbeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl probe DOMAIN...}: probes the MXes of listed domains as policyd's downgrade
 * detection does, and shows per MX what it found.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Resolve each listed domain's MXes, check their names against the list's patterns, and probe "
                + "the matching ones (STARTTLS, TLS 1.2+, certificate chain, dates and name) as policyd's downgrade "
                + "detection does. Opens SMTP connections to the MXes (port 25 by default).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Every domain was probed and TLS works at one of its MXes.",
            "1:Some arguments are not domain names or not listed; the others were probed.",
            "2:Invalid command line.",
            "3:The list could not be read or did not verify.",
            "5:At least one domain is under a downgrade (every reachable MX failed, or none matches its policy).",
            "6:At least one domain could not be judged (DNS failed or no MX could be reached); none is under a downgrade.",
            "70:Internal error.",
            "78:The configuration file is missing or invalid."})
final class ProbeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ListOptions listOptions;

    @Option(names = "--json", description = "One JSON object per domain and line, for scripts.")
    boolean json;

    @Option(names = "--resolver", paramLabel = "IP[:PORT]",
            description = "DNS server to ask (default: dns.resolver of --config, else the system's resolvers).")
    String resolver;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ProbeSettings.DEFAULT_PORT,
            description = "SMTP port probed on each MX (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PEM bundle of trusted CA certificates (default: the JDK's trust store).")
    Path trustStore;

    @Option(names = "--ehlo-name", paramLabel = "NAME", defaultValue = ProbeSettings.DEFAULT_EHLO_NAME,
            description = "Name sent in EHLO (default: ${DEFAULT-VALUE}).")
    String ehloName;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Limit for each connect, reply and DNS query; one MX gets twice this (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "Listed destination domains to probe.")
    List<String> domains;

    private final Clock clock;

    ProbeCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        ProbeSettings settings = settings();
        ListOptions.LoadedList loaded = listOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        loaded.notes().forEach(note -> err.println("NOTE: " + note));
        PolicyEngine engine = new PolicyEngine(clock, EngineSettings.DEFAULTS, loaded.verified());
        boolean partial = false;
        boolean downgrade = false;
        boolean unknown = false;
        DomainProber opened;
        try {
            opened = DomainProber.create(settings, clock);
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), "--trust-store: " + e.getMessage());
        }
        try (DomainProber prober = opened) {
            for (String domain : domains) {
                TlsPolicy policy = policyOf(engine, domain, err);
                if (policy == null) {
                    partial = true;
                    continue;
                }
                DomainReport report = prober.probe(DomainName.of(domain).asString(), policy);
                downgrade |= report.status() == DomainStatus.DOWNGRADE;
                unknown |= report.status() == DomainStatus.UNKNOWN;
                if (json) {
                    out.println(JSON.writeValueAsString(toJson(report)));
                } else {
                    ProbeTable.print(out, report);
                }
            }
        }
        out.flush();
        return downgrade ? ExitCodes.DOWNGRADE : unknown ? ExitCodes.NO_EVIDENCE : partial ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

    private ProbeSettings settings() throws org.starttls.policyd.server.config.ConfigException {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port: " + port + " is not a port number");
        }
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout: must be at least 1 second");
        }
        try {
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            return ProbeSettings.DISABLED.withEnabled(true).withPort(port).withEhloName(ehloName)
                    .withResolver(resolver == null ? listOptions.config.resolver() : ResolverAddress.parse(resolver))
                    .withTrustStore(trustStore).withTimeouts(timeout, timeout, timeout.multipliedBy(2));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The list's policy for {@code domain} (whatever its mode), or null after saying why not. */
    private static TlsPolicy policyOf(PolicyEngine engine, String domain, PrintWriter err) {
        try {
            DomainName.of(domain);
        } catch (InvalidNameException e) {
            err.println("ERROR: " + e.getMessage());
            return null;
        }
        TlsPolicy policy = engine.activeList().list().lookup(DomainName.of(domain).asString());
        if (policy == null) {
            err.println("ERROR: " + domain + " is not in the list; only listed domains have MX patterns to probe against");
        }
        return policy;
    }

    private static ObjectNode toJson(DomainReport report) {
        ObjectNode node = JSON.createObjectNode();
        node.put("domain", report.domain());
        node.put("mode", report.policy().mode().wireName());
        ArrayNode patterns = node.putArray("mx_patterns");
        report.policy().mxs().stream().map(MxPattern::asString).forEach(patterns::add);
        node.put("status", report.status().name());
        node.put("reason", report.reason());
        node.put("probed_at", report.probedAt().toString());
        ArrayNode mxs = node.putArray("mxs");
        for (MxReport mx : report.mxs()) {
            ObjectNode m = mxs.addObject();
            m.put("name", mx.mx().name());
            m.put("preference", mx.mx().preference());
            m.put("matches_policy", mx.matchesPolicy());
            MxProbeJson.addProbeFields(m, mx);
        }
        return node;
    }
}
