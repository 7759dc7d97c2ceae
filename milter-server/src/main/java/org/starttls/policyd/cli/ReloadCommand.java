package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl reload}: the same as SIGHUP, with the outcome printed as the daemon reports it:
 * whether the new configuration was applied or refused, which changed settings wait for a
 * restart, and what became of the list.
 */
@Command(name = "reload", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make the running policyd re-read its configuration and fetch or re-read its list now "
                + "(the same as SIGHUP), and print what happened.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:The configuration was applied or is unchanged, and the list was installed or is unchanged "
                + "(settings that need a restart are listed).",
            "2:Invalid command line.",
            "3:Refused, nothing changed: the daemon refused the new configuration (it keeps the running one) "
                + "or the new list (it keeps its last good list).",
            "4:The daemon could not be reached.",
            "70:The daemon answered with an error.",
            "78:The configuration file is missing or invalid (policyctl's --config)."})
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Option(names = "--json", description = "Print the daemon's reply as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode result = AdminClient.call(admin.address(), "reload", admin.timeout());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (result.has("error")) {
            err.println("ERROR: the daemon answered: " + result.path("error").asText());
            err.flush();
            if (json) {
                PolicyCtl.printJsonError(out, "the daemon answered: " + result.path("error").asText(), "daemon",
                        ExitCodes.INTERNAL);
            }
            return ExitCodes.INTERNAL;
        }
        boolean configRefused = "refused".equals(result.path("config").asText())
                || !result.path("reloaded").asBoolean(true);
        boolean listRefused = result.path("list_refused").asBoolean();
        if (json) {
            out.println(result.toString());
        } else {
            print(result, configRefused, out, err);
        }
        out.flush();
        err.flush();
        return configRefused || listRefused ? ExitCodes.REFUSED : ExitCodes.OK;
    }

    private static void print(JsonNode result, boolean configRefused, PrintWriter out, PrintWriter err) {
        if (configRefused) {
            err.println("configuration REFUSED: " + text(result.path("config_error"), "no reason given")
                    + "; the running configuration is kept");
        } else {
            out.println("configuration: " + text(result.path("config"), "(not reported by this policyd)"));
        }
        List<String> restart = new ArrayList<>();
        result.path("restart_needed").forEach(name -> restart.add(name.asText()));
        if (!restart.isEmpty()) {
            out.println("restart needed for: " + String.join(", ", restart)
                    + " (changed, but kept as they were until policyd restarts)");
        }
        String list = "list: " + text(result.path("list_result"), "(not reported)");
        if (result.path("list_refused").asBoolean()) {
            err.println(list + " (REFUSED: the daemon keeps answering from the list it had, or TEMP while none has verified)");
        } else {
            out.println(list);
        }
    }

    private static String text(JsonNode node, String otherwise) {
        return node.isMissingNode() || node.isNull() ? otherwise : node.asText();
    }
}
