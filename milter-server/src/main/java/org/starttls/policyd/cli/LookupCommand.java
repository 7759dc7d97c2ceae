package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl lookup DOMAIN...}: what the list says about each domain and what the MTA would be told. */
@Command(name = "lookup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show, per domain, whether it is listed, its mode and MX patterns, the answer the MTA "
                + "would get, and which list said so.",
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

    @Spec
    CommandSpec spec;

    @Mixin
    ListOptions listOptions;

    @Option(names = "--json", description = "One JSON object per domain and line, for scripts.")
    boolean json;

    @Mixin
    AnswerRuleOptions rules;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "Destination domains to look up.")
    List<String> domains;

    private final Clock clock;

    LookupCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        EngineSettings settings = rules.engineSettings(spec.commandLine());
        ListOptions.LoadedList loaded = listOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PolicyEngine engine = new PolicyEngine(clock, settings, loaded.verified());
        boolean expired = engine.isExpired();
        if (expired) {
            err.println("WARNING: the list expired at " + loaded.verified().list().expires()
                    + "; an expired list enforces nothing unless --expired-list says otherwise");
        }
        loaded.notes().forEach(note -> err.println("NOTE: " + note));
        int exit = ExitCodes.OK;
        for (String domain : domains) {
            String problem = notADomain(domain);
            if (problem != null) {
                err.println("ERROR: " + problem);
                if (json) {
                    ObjectNode node = JSON.createObjectNode();
                    node.put("domain", domain);
                    node.put("error", problem);
                    out.println(JSON.writeValueAsString(node));
                }
                exit = ExitCodes.PARTIAL;
                continue;
            }
            Decision decision = engine.decide(domain);
            // What the list says, whatever the verdict: an expired list under tempfail-listed still lists
            // the domain although the decision carries no policy to enforce.
            TlsPolicy listed = engine.activeList().list().lookup(decision.domain());
            if (json) {
                out.println(JSON.writeValueAsString(toJson(decision, listed, loaded.verified(), expired)));
            } else {
                printText(out, decision, listed);
            }
        }
        if (!json) {
            out.println(ListDescription.of(loaded.verified(), clock));
        }
        out.flush();
        return exit;
    }

    /** Why {@code text} is not a domain name, or null when it is one. */
    private static String notADomain(String text) {
        try {
            DomainName.of(text);
            return null;
        } catch (InvalidNameException e) {
            return e.getMessage();
        }
    }

    private static void printText(PrintWriter out, Decision decision, TlsPolicy listed) {
        out.println(decision.domain() + ": " + (listed != null
                ? "listed, mode " + listed.mode().wireName()
                        + (listed.aliasName() == null ? "" : " (policy-alias " + listed.aliasName() + ")")
                : "not listed"));
        if (listed != null) {
            out.println("  mx patterns: " + String.join(" ", listed.mxs().stream().map(MxPattern::asString).toList()));
        }
        out.println("  verdict:     " + decision.verdict() + " (" + decision.reason() + ")");
        out.println("  socketmap:   " + socketmapAnswer(decision));
    }

    /** What policyd's socketmap would send for this decision, with the default map settings. */
    private static String socketmapAnswer(Decision decision) {
        return AnswerRenderer.socketmap(decision, SocketmapMapSettings.DEFAULTS).wireText();
    }

    private static ObjectNode toJson(Decision decision, TlsPolicy listed, VerifiedList list, boolean expired) {
        ObjectNode node = JSON.createObjectNode();
        node.put("domain", decision.domain());
        node.put("listed", listed != null);
        node.put("mode", listed != null ? listed.mode().wireName() : null);
        ArrayNode mxs = node.putArray("mxs");
        if (listed != null) {
            listed.mxs().forEach(mx -> mxs.add(mx.asString()));
        }
        node.put("policy_alias", listed != null ? listed.aliasName() : null);
        node.put("expired", expired);
        node.put("verdict", decision.verdict().name());
        node.put("reason", decision.reason());
        node.put("socketmap_answer", socketmapAnswer(decision));
        node.set("list", ListDescription.toJson(list));
        return node;
    }
}
