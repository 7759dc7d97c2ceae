package org.starttls.policyd.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl export postfix|sendmail}: the list as a static table for sites that prefer one. */
@Command(name = "export", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "(postfix | sendmail)",
        description = {"Write the verified list as a static table: a Postfix smtp_tls_policy_maps source for "
                + "hash:/lmdb: maps, or Sendmail access-map TLS_Rcpt entries.",
            "A static table does not follow the list's expiry or updates: export again after each update."})
final class ExportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: postfix or sendmail");
    }

    /** {@code export} with its two subcommands, sharing the clock. */
    static CommandLine withSubcommands(Clock clock, CommandLine.IFactory factory) {
        return new CommandLine(new ExportCommand(), factory)
                .addSubcommand(new Postfix(clock))
                .addSubcommand(new Sendmail(clock));
    }

    /** {@code policyctl export postfix}. */
    @Command(name = "postfix", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Print a Postfix smtp_tls_policy_maps table: 'DOMAIN secure match=MX1:MX2 "
                    + "servername=hostname' per enforced domain; testing domains as comments (enforced with "
                    + "--early-adopter). The postmap/postconf lines to install it are in the header comments."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:The table was written.",
                "1:The list has expired: the table was written but enforces nothing (see --expired-list).",
                "2:Invalid command line.",
                "3:The list could not be read or did not verify; nothing was written.",
                "70:Internal error.",
                "74:--output could not be written (the reason is printed; the old file is untouched).",
                "78:The configuration file is missing or invalid."})
    static final class Postfix implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ListOptions listOptions;

        @Mixin
        ExportOptions export;

        @Option(names = "--no-servername",
                description = "Leave out servername=hostname (Postfix before 3.4 rejects it and defers).")
        boolean noServername;

        private final Clock clock;

        Postfix(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Integer call() throws Exception {
            ExportPlan plan = export.plan(listOptions, clock, spec.commandLine());
            String path = export.output != null ? export.output.toAbsolutePath().toString()
                    : PostfixPolicyTable.DEFAULT_PATH;
            return export.write(plan, PostfixPolicyTable.render(plan, !noServername, path), spec.commandLine());
        }
    }

    /** {@code policyctl export sendmail}. */
    @Command(name = "sendmail", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Print Sendmail access-map entries 'TLS_Rcpt:DOMAIN VERIFY' (with +CN:name where the "
                    + "list names a single exact MX host) for Sendmail before 8.17; 8.17 and later should use "
                    + "FEATURE(`sts') with policyd's socketmap instead."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:The entries were written.",
                "1:The list has expired: the entries were written but enforce nothing (see --expired-list).",
                "2:Invalid command line.",
                "3:The list could not be read or did not verify; nothing was written.",
                "70:Internal error.",
                "74:--output could not be written (the reason is printed; the old file is untouched).",
                "78:The configuration file is missing or invalid."})
    static final class Sendmail implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ListOptions listOptions;

        @Mixin
        ExportOptions export;

        private final Clock clock;

        Sendmail(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Integer call() throws Exception {
            ExportPlan plan = export.plan(listOptions, clock, spec.commandLine());
            return export.write(plan, SendmailAccessTable.render(plan), spec.commandLine());
        }
    }
}
