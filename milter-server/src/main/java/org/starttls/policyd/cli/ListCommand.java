package org.starttls.policyd.cli;

import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl list build|sign}: making a list of your own to publish. */
@Command(name = "list", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "(build | sign)",
        description = {"Make lists of your own to publish: build one from checked domains, sign it with a key from "
                + "'policyctl keygen'.",
            "See docs/publish-your-own-list.md."})
final class ListCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: build or sign");
    }

    /** {@code list} with its subcommands, sharing the clock. */
    static CommandLine withSubcommands(Clock clock, CommandLine.IFactory factory) {
        return new CommandLine(new ListCommand(), factory)
                .addSubcommand(new ListBuildCommand(clock))
                .addSubcommand(new ListSignCommand(clock));
    }
}
