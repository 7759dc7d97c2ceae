package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.admin.AdminProtocol;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.dane.DaneReport;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapReply;
import org.starttls.policyd.server.sts.LookupReport;
import org.starttls.policyd.server.transport.ListenAddress;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl lookup DOMAIN...}: what the MTA is told for each domain and why. It asks the
 * running policyd first (its admin endpoint answers exactly what Postfix gets, MTA-STS cache
 * included); when no daemon answers, or when the command names its own list or rules, it
 * decides here as the daemon would: DANE (validation check first) and MTA-STS resolved live
 * through the configured resolver, then the list.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show, per domain, the answer the MTA gets and which source decided (override, dane, mta-sts, "
                + "list, none): the MTA-STS record id, policy (mode, max_age, mx), its age and expiry and cache state, "
                + "what the list says, and why a source was unusable. Asks the running policyd when it is reachable, "
                + "else resolves here.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Every domain was answered.",
            "1:Some arguments are not domain names; the others were answered.",
            "2:Invalid command line.",
            "3:The list could not be read or did not verify.",
            "70:Internal error.",
            "74:A file could not be read.",
            "78:The configuration file is missing or invalid."})
final class LookupCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A live resolution may take a DNS lookup and a policy fetch (bounded at 30 s) before it answers. */
    static final Duration LIVE_WAIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    ListOptions listOptions;

    @Option(names = "--json", description = "One JSON object per domain and line, for scripts.")
    boolean json;

    @Mixin
    AnswerRuleOptions rules;

    @Option(names = "--admin", paramLabel = "HOST:PORT|unix:PATH",
            description = "policyd's admin endpoint to ask (default: admin.listen of --config, else policyd's default "
                    + "admin socket).")
    String admin;

    @Option(names = "--live", description = "Do not ask the running policyd: decide here, resolving MTA-STS live.")
    boolean live;

    @Option(names = "--map", paramLabel = "NAME", defaultValue = AdminProtocol.DEFAULT_LOOKUP_MAP,
            description = "The socketmap map whose answer to show (default: ${DEFAULT-VALUE}). With sts (Sendmail's "
                    + "map), a .domain pattern covering an MX more than one label deep is a WARNING: Sendmail defers "
                    + "there, Postfix does not.")
    String map;

    @Option(names = "--resolver", paramLabel = "IP[:PORT]",
            description = "DNS server for live DANE and MTA-STS lookups and for the MX names --map sts checks "
                    + "against Sendmail's one-label .domain rule (default: dns.resolver of --config, else "
                    + "/etc/resolv.conf); DANE trusts only a validating resolver on a loopback address.")
    String resolver;

    @Option(names = "--no-mta-sts", description = "Decide here without MTA-STS.")
    boolean noMtaSts;

    @Option(names = "--no-dane", description = "Decide here without DANE.")
    boolean noDane;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "Destination domains to look up.")
    List<String> domains;

    private final Clock clock;

    LookupCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (asksDaemon()) {
            ListenAddress address = adminAddress();
            try {
                return fromDaemon(address, out, err);
            } catch (AdminClient.UnreachableException e) {
                err.println("NOTE: " + e.getMessage() + "; deciding here instead");
            }
        }
        return live(out, err);
    }

    /** The daemon is asked unless the command names its own list, rules or resolver, or says --live. */
    private boolean asksDaemon() {
        return !live && !noMtaSts && !noDane && resolver == null && listOptions.list == null && listOptions.stateDir == null
                && listOptions.keyring == null && !rules.earlyAdopter
                && rules.expiredList.equals(org.starttls.policyd.server.config.SettingNames.DEFAULT_EXPIRED_LIST);
    }

    private ListenAddress adminAddress() throws ConfigException {
        if (admin == null) {
            ListenAddress configured = listOptions.config.admin();
            return configured != null ? configured : AdminDefaults.address();
        }
        try {
            return ListenAddress.parse(admin);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--admin: " + e.getMessage());
        }
    }

    private int fromDaemon(ListenAddress address, PrintWriter out, PrintWriter err) throws Exception {
        int exit = ExitCodes.OK;
        for (String domain : domains) {
            String ascii = asciiOrNull(domain);
            if (ascii == null) {
                exit = notADomain(domain, out, err);
                continue;
            }
            JsonNode reply = AdminClient.call(address, "lookup " + ascii + " " + map, LIVE_WAIT.plusSeconds(10));
            if (reply.has("error")) {
                throw new AdminClient.UnreachableException("policyd at " + address + " cannot explain a lookup: "
                        + reply.path("error").asText(), null);
            }
            ObjectNode node = (ObjectNode) reply;
            node.put("answered_by", "policyd at " + address);
            print(out, node);
        }
        out.flush();
        return exit;
    }

    private int live(PrintWriter out, PrintWriter err) throws Exception {
        EngineSettings settings = rules.engineSettings(spec.commandLine());
        ListOptions.LoadedList loaded = listOptions.load();
        PolicyEngine engine = new PolicyEngine(clock, settings, loaded.verified());
        boolean expired = engine.isExpired();
        if (expired) {
            err.println("WARNING: the list expired at " + loaded.verified().list().expires()
                    + "; an expired list enforces nothing unless --expired-list says otherwise");
        }
        loaded.notes().forEach(note -> err.println("NOTE: " + note));
        int exit = ExitCodes.OK;
        Overrides overrides = listOptions.config.settings().overrides();
        try (LiveSts sts = noMtaSts ? null : LiveSts.open(listOptions.config.settings(), resolver, clock);
                LiveDane dane = noDane ? null : LiveDane.open(listOptions.config.settings(), resolver, clock)) {
            if (dane != null && !dane.validation().validates()) {
                err.println("NOTE: DANE does not apply: " + dane.validation().detail());
            }
            SocketmapMapSettings mapSettings = SocketmapMapSettings.DEFAULTS.withEngineSettings(settings)
                    .withStsWait(LIVE_WAIT);
            SocketmapMaps maps = new SocketmapMaps(engine, mapSettings, Map.of(), sts == null ? null : sts.waiter(),
                    dane == null ? null : dane.waiter());
            for (String domain : domains) {
                if (asciiOrNull(domain) == null) {
                    exit = notADomain(domain, out, err);
                    continue;
                }
                Decision fromSources = maps.decideFromSources(map, domain).toCompletableFuture().get();
                Decision overridden = overrides.decide(domain, clock.instant());
                Decision decision = overridden != null ? overridden : fromSources;
                SocketmapReply answer = AnswerRenderer.socketmap(map, decision, SocketmapMapSettings.DEFAULTS);
                // What the list says, whatever the verdict: an expired list under tempfail-listed still
                // lists the domain although the decision carries no policy to enforce.
                TlsPolicy listed = engine.activeList().list().lookup(decision.domain());
                ObjectNode node = LookupReport.of(map, decision, answer, listed,
                        sts == null ? null : sts.resolver().state(decision.domain()), clock.instant());
                DaneReport.addTo(node, dane == null ? null : dane.resolver(), decision.domain());
                if (overridden != null) {
                    LookupReport.addOverride(node, overridden, fromSources,
                            AnswerRenderer.socketmap(map, fromSources, SocketmapMapSettings.DEFAULTS));
                }
                node.put("expired", expired);
                node.set("list", ListDescription.toJson(loaded.verified()));
                node.put("answered_by", answeredBy(sts != null, dane != null));
                print(out, node);
            }
        }
        if (!json) {
            out.println(ListDescription.of(loaded.verified(), clock));
        }
        out.flush();
        return exit;
    }

    private static String answeredBy(boolean sts, boolean dane) {
        if (sts && dane) {
            return "policyctl (DANE and MTA-STS resolved live)";
        }
        return sts ? "policyctl (MTA-STS resolved live)" : dane ? "policyctl (DANE resolved live)" : "policyctl (list only)";
    }

    private int notADomain(String domain, PrintWriter out, PrintWriter err) throws Exception {
        String problem;
        try {
            DomainName.of(domain);
            problem = "not a domain name";
        } catch (InvalidNameException e) {
            problem = e.getMessage();
        }
        err.println("ERROR: " + problem);
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("domain", domain);
            node.put("error", problem);
            out.println(JSON.writeValueAsString(node));
        }
        return ExitCodes.PARTIAL;
    }

    /**
     * For Sendmail's map: adds {@code sendmail_warnings} when the answer's {@code .domain} pattern
     * covers an MX of the domain more than one label deep (Postfix accepts it, Sendmail defers),
     * asking DNS for the MX names (dns.resolver of --config, or --resolver).
     */
    private void checkSendmailDepth(ObjectNode node) throws Exception {
        List<String> patterns = SendmailMatchDepth.patterns(node.path("socketmap_answer").asText());
        if (!SendmailMatchDepth.hasParentPattern(patterns)) {
            return;
        }
        String domain = node.path("domain").asText();
        com.fasterxml.jackson.databind.node.ArrayNode warnings = node.putArray("sendmail_warnings");
        DnsLookup<org.xbill.DNS.Record> mx = mxClient().lookup(domain, Type.MX)
                .get(LIVE_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        if (!mx.answered()) {
            warnings.add("could not check the MX names of " + domain + " against Sendmail's one-label rule: "
                    + ((DnsLookup.Failed<?>) mx).detail());
            return;
        }
        List<String> hosts = mx.values().stream().filter(MXRecord.class::isInstance)
                .map(r -> ((MXRecord) r).getTarget().toString(true)).toList();
        List<String> deeper = SendmailMatchDepth.deeperThanSendmailMatches(patterns, hosts);
        if (!deeper.isEmpty()) {
            warnings.add(SendmailMatchDepth.warning(domain, deeper, patterns));
        }
    }

    private DnsClient mxClient() throws ConfigException {
        DnsSettings dns = listOptions.config.settings().dns();
        if (resolver != null) {
            try {
                dns = new DnsSettings(ResolverAddress.parse(resolver), dns.timeout());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--resolver: " + e.getMessage());
            }
        }
        return new DnsClient(dns);
    }

    /** The A-label form of a domain, or null when it is not one. */
    private static String asciiOrNull(String text) {
        try {
            DomainName.of(text);
            return DomainName.normalize(text);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private void print(PrintWriter out, ObjectNode node) throws Exception {
        if (SendmailMatchDepth.SENDMAIL_MAP.equals(map)) {
            checkSendmailDepth(node);
        }
        if (json) {
            out.println(JSON.writeValueAsString(node));
        } else {
            LookupText.print(out, node);
        }
    }
}
