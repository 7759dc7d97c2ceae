package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl reload}: the same as SIGHUP, with the outcome printed. */
@Command(name = "reload", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make the running policyd re-read its configuration and fetch or re-read its list now "
                + "(the same as SIGHUP), and print what happened.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Reloaded; the list was installed or is unchanged.",
            "2:Invalid command line.",
            "3:Reloaded, but the new list was refused (the daemon keeps its last good list).",
            "4:The daemon could not be reached."})
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Override
    public Integer call() throws Exception {
        JsonNode result = AdminClient.call(admin.address(), "reload", admin.timeout());
        PrintWriter out = spec.commandLine().getOut();
        if (result.has("error")) {
            spec.commandLine().getErr().println("ERROR: " + result.path("error").asText());
            return ExitCodes.INTERNAL;
        }
        out.println("reloaded; list: " + result.path("list_result").asText());
        out.flush();
        return result.path("list_refused").asBoolean() ? ExitCodes.LIST_REFUSED : ExitCodes.OK;
    }
}
