package org.starttls.policyd.cli;

import java.io.PrintWriter;
import java.time.Clock;
import org.starttls.policyd.core.ListRejectedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The admin command line: {@code policyctl lookup|verify|update|status|reload|export|probe ...}. */
@Command(name = "policyctl", mixinStandardHelpOptions = true, version = "policyctl 0.1.0",
        description = "Inspect and manage the STARTTLS preload list used by policyd.",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes (all subcommands):%n",
        exitCodeList = {
            "0:Success.",
            "1:Some arguments could not be answered (e.g. not a domain name); the rest were. "
                + "export: the list expired, so the table enforces nothing.",
            "2:Invalid command line.",
            "3:The list could not be read or did not verify, or an update was refused; nothing was changed.",
            "4:The running daemon could not be reached.",
            "5:probe: a domain is under a downgrade.",
            "6:probe: a domain could not be judged (DNS failed or no MX reachable); none is under a downgrade.",
            "70:Internal error (a bug: please report it)."})
public final class PolicyCtl {

    public static void main(String[] args) {
        System.exit(run(Clock.systemUTC(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with the given clock and streams; returns the exit code. */
    public static int run(Clock clock, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(clock);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine(Clock clock) {
        CommandLine cli = new CommandLine(new PolicyCtl());
        cli.addSubcommand(new LookupCommand(clock));
        cli.addSubcommand(new VerifyCommand(clock));
        cli.addSubcommand(new UpdateCommand(clock));
        cli.addSubcommand(new StatusCommand());
        cli.addSubcommand(new ReloadCommand());
        cli.addSubcommand(ExportCommand.withSubcommands(clock));
        cli.addSubcommand(new ProbeCommand(clock));
        cli.setExecutionExceptionHandler(PolicyCtl::handleFailure);
        return cli;
    }

    /** One line per failure, and the exit code that says what kind it was. */
    private static int handleFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof AdminClient.UnreachableException) {
            err.println("UNREACHABLE: " + e.getMessage());
            err.flush();
            return ExitCodes.DAEMON_UNREACHABLE;
        }
        if (e instanceof ListRejectedException) {
            err.println("REFUSED: " + e.getMessage());
            err.flush();
            return ExitCodes.LIST_REFUSED;
        }
        err.println("INTERNAL ERROR: " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitCodes.INTERNAL;
    }
}
