package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.starttls.policyd.server.metrics.Health;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl status}: what the running daemon is doing, from its admin endpoint. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Ask the running policyd for its active list (source, signer, timestamp, expiry, age), the last "
                + "update attempt and its result, warnings, and its doors with their addresses.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:The daemon answered and is healthy (what /health answers 200 for; warnings may remain).",
            "1:The daemon answered and is unhealthy (what /health answers 503 for: a door not accepting, or the list"
                    + " that protects expired, stale or failing to update).",
            "2:Invalid command line.",
            "4:The daemon could not be reached.",
            "78:The configuration file is missing or invalid (policyctl's --config)."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Option(names = "--json", description = "Print the daemon's JSON status as is.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode status = AdminClient.call(admin.address(), "status", admin.timeout());
        if (json) {
            out.println(status.toString());
        } else {
            print(out, status);
        }
        out.flush();
        return healthy(status) ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    /** The daemon's health as {@code /health} judges it; a daemon that does not report it, by its list. */
    static boolean healthy(JsonNode status) {
        JsonNode health = status.path("health");
        return health.isMissingNode() ? status.path("list").path("healthy").asBoolean(false)
                : health.path("healthy").asBoolean(false);
    }

    /**
     * {@code health:   ok}, or {@code health:   UNHEALTHY} with what {@code /health} would answer
     * (its reasons are the {@code WARNING} lines that follow).
     */
    static String healthLine(JsonNode status) {
        return healthy(status) ? "health:   ok" : "health:   UNHEALTHY (/health answers 503; the reasons are below)";
    }

    /** The host part of {@code host:port} or {@code [v6]:port}. */
    private static String hostOf(String listen) {
        int colon = listen.lastIndexOf(':');
        return colon > 0 ? listen.substring(0, colon) : listen;
    }

    /** {@code enforcing: N domains} or {@code enforcing NOTHING (why)}, from the daemon's {@code enforcing} object. */
    static String enforcingLine(JsonNode status) {
        JsonNode enforcing = status.path("enforcing");
        if (enforcing.isMissingNode()) {
            return "enforcing: unknown (the daemon does not report it)";
        }
        if (enforcing.path("summary").isTextual()) {
            return enforcing.path("summary").asText(); // the daemon's own sentence
        }
        JsonNode why = enforcing.path("nothing_because");
        if (!why.isNull() && !why.isMissingNode()) {
            return "enforcing NOTHING (" + why.asText() + ")";
        }
        int domains = enforcing.path("domains").asInt();
        return "enforcing: " + domains + (domains == 1 ? " domain" : " domains");
    }

    private static void print(PrintWriter out, JsonNode status) {
        out.println(enforcingLine(status));
        out.println(healthLine(status));
        JsonNode list = status.path("list");
        if (list.path("source").isNull()) {
            out.println("list:     none verified yet (every lookup answers TEMP)");
        } else {
            printList(out, list);
        }
        printRest(out, status, list);
    }

    private static void printList(PrintWriter out, JsonNode list) {
        String source = list.path("source").asText();
        // The embedded list's source already says so ("embedded default (EFF ... list of ...)").
        boolean sayEmbedded = list.path("embedded_default").asBoolean() && !source.contains("embedded default");
        out.println("list:     " + source + (sayEmbedded ? " (embedded default)" : ""));
        out.println("          " + list.path("domains").asInt() + " domains, timestamp " + list.path("timestamp").asText()
                + ", expires " + list.path("expires").asText() + (list.path("expired").asBoolean() ? " (EXPIRED)" : ""));
        out.println("          signed by " + list.path("signer").asText() + " at " + list.path("signed_at").asText());
    }

    /** {@code dane: on, resolver validates (...)}, a WARNING when it does not, or {@code dane: off}. */
    static String daneLine(JsonNode dane) {
        if (!dane.path("enabled").asBoolean()) {
            return "dane:     off";
        }
        if (!dane.path("validates").asBoolean()) {
            return "WARNING:  " + Health.daneWarning(dane.path("detail").asText());
        }
        return "dane:     on, " + dane.path("detail").asText() + "; " + dane.path("cached_domains").asInt() + " cached";
    }

    /** {@code overrides: 3 (1 expiring within 7 days)}, and a WARNING line per override that expires soon or did. */
    private static void printOverrides(PrintWriter out, JsonNode overrides) {
        int count = overrides.path("count").asInt();
        if (count == 0) {
            out.println("overrides: none");
            return;
        }
        int expiring = overrides.path("expiring").size();
        out.println("overrides: " + count + (expiring == 0 ? "" : " (" + expiring + " expiring within "
                + overrides.path("warn_days").asInt() + " days)"));
        for (JsonNode warning : overrides.path("warnings")) {
            out.println("WARNING:  " + warning.asText());
        }
    }

    private static String connections(int count) {
        return count + (count == 1 ? " connection" : " connections");
    }

    private static void printRest(PrintWriter out, JsonNode status, JsonNode list) {
        out.println("update:   " + (list.path("last_attempt").isNull() ? "no attempt yet"
                : list.path("last_attempt").asText() + ": " + list.path("last_result").asText()));
        out.println("policy:   testing-domains " + status.path("policy").path("testing_domains").asText()
                + ", expired-list " + status.path("policy").path("expired_list").asText());
        out.println(daneLine(status.path("dane")));
        printOverrides(out, status.path("overrides"));
        for (JsonNode door : status.path("doors")) {
            out.println("door:     " + door.path("name").asText() + " on " + door.path("address").asText() + " ("
                    + connections(door.path("open_connections").asInt()) + ")");
        }
        var answers = status.path("answers").fields();
        while (answers.hasNext()) {
            var door = answers.next();
            StringBuilder line = new StringBuilder("answers:  " + door.getKey());
            door.getValue().fields().forEachRemaining(kind -> line.append(", ").append(kind.getKey()).append(' ')
                    .append(kind.getValue().asLong()));
            if (door.getValue().isEmpty()) {
                line.append(", none yet");
            }
            out.println(line);
        }
        JsonNode metrics = status.path("metrics");
        if (!metrics.path("problem").isNull() && metrics.has("problem")) {
            out.println("WARNING:  metrics endpoint: " + metrics.path("problem").asText());
        } else if (metrics.path("port").asInt(-1) > 0) {
            out.println("metrics:  http://" + hostOf(metrics.path("listen").asText()) + ":" + metrics.path("port").asInt()
                    + "/metrics and /health");
        }
        Set<String> said = new HashSet<>();
        for (JsonNode warning : list.path("warnings")) {
            out.println("WARNING:  " + warning.asText());
            said.add(warning.asText());
        }
        // What makes the daemon unhealthy besides the list (a door not accepting connections).
        for (JsonNode reason : status.path("health").path("reasons")) {
            if (said.add(reason.asText())) {
                out.println("WARNING:  " + reason.asText());
            }
        }
    }
}
