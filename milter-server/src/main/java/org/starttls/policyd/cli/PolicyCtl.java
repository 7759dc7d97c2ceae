package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The admin command line: {@code policyctl lookup|verify|update|status|reload|export|probe|check|keygen|list|doctor|tls-setup|sts ...}. */
@Command(name = "policyctl", mixinStandardHelpOptions = true, version = "policyctl 0.1.0",
        description = {"Inspect and manage the STARTTLS preload list used by policyd.",
            "Every subcommand but keygen, list, doctor, tls-setup and sts publish (without --check) reads policyd's "
                + "configuration (--config, default "
                + "/etc/starttls-policyd/policyd.yaml when it exists) for the keyring, state directory, admin address "
                + "and resolver; flags beat it."},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes (all subcommands):%n",
        exitCodeList = {
            "0:Success.",
            "1:Some arguments could not be answered (e.g. not a domain name); the rest were. "
                + "status: the daemon answered with warnings. export: the list expired, so the table enforces nothing. "
                + "list build: some domains were not eligible and were left out.",
            "2:Invalid command line.",
            "3:Refused, nothing changed: the list could not be read or did not verify, an update was refused, "
                + "or the daemon refused a reload's configuration or list. keygen: a key file exists. "
                + "list sign: the list or the key cannot be used. list build: no domain is eligible.",
            "4:The running daemon could not be reached.",
            "5:probe: a domain is under a downgrade.",
            "6:probe: a domain could not be judged (DNS failed or no MX reachable); none is under a downgrade. "
                + "doctor, tls-setup, sts check (sts publish --check): warnings only. check: some domains are "
                + "eligible for testing only.",
            "7:doctor, tls-setup, sts check (sts publish --check): at least one check failed. check: a domain is "
                + "not eligible.",
            "70:Internal error (a bug: please report it).",
            "74:A file could not be read or written (e.g. an unwritable --output); the path and reason are printed.",
            "78:The configuration file is missing or invalid (--config, or the default file)."},
        footer = {"", "With --json, every failure also prints one JSON object on standard output: "
                + "{\"error\": MESSAGE, \"kind\": KIND, \"exit_code\": N}, except that a refused update "
                + "prints its result (\"result\": \"refused\") and reload the daemon's reply."})
public final class PolicyCtl {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(run(Clock.systemUTC(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with the given clock and streams; returns the exit code. */
    public static int run(Clock clock, PrintWriter out, PrintWriter err, String... args) {
        return run(clock, ConfigOptions.DEFAULT_CONFIG, out, err, args);
    }

    /** As {@link #run(Clock, PrintWriter, PrintWriter, String...)}, with another default configuration file. */
    static int run(Clock clock, Path defaultConfig, PrintWriter out, PrintWriter err, String... args) {
        return run(commandLine(clock, defaultConfig), out, err, args);
    }

    /** Runs one command line of {@code cli} with these streams. */
    static int run(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine(Clock clock) {
        return commandLine(clock, ConfigOptions.DEFAULT_CONFIG);
    }

    static CommandLine commandLine(Clock clock, Path defaultConfig) {
        return commandLine(clock, defaultConfig, StsFetchSettings.defaults());
    }

    /** As {@link #commandLine(Clock, Path)}, with the MTA-STS policy fetch's limits (tests: their policy hosts' port). */
    static CommandLine commandLine(Clock clock, Path defaultConfig, StsFetchSettings stsFetch) {
        CommandLine.IFactory factory = new Factory(defaultConfig);
        CommandLine cli = new CommandLine(new PolicyCtl(), factory);
        cli.addSubcommand(new LookupCommand(clock));
        cli.addSubcommand(new VerifyCommand(clock));
        cli.addSubcommand(new UpdateCommand(clock));
        cli.addSubcommand(new StatusCommand());
        cli.addSubcommand(new ReloadCommand());
        cli.addSubcommand(ExportCommand.withSubcommands(clock, factory));
        cli.addSubcommand(new ProbeCommand(clock));
        cli.addSubcommand(new CheckCommand(clock));
        cli.addSubcommand(new KeygenCommand(clock));
        cli.addSubcommand(ListCommand.withSubcommands(clock, factory));
        cli.addSubcommand(new DoctorCommand(clock));
        cli.addSubcommand(new TlsSetupCommand(clock));
        cli.addSubcommand(StsCommand.withSubcommands(clock, factory, stsFetch));
        cli.setExecutionExceptionHandler(PolicyCtl::handleFailure);
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, args) -> {
            int exit = usage.handleParseException(e, args);
            if (Arrays.asList(args).contains("--json")) {
                printJsonError(e.getCommandLine().getOut(), e.getMessage(), "usage", exit);
            }
            return exit;
        });
        return cli;
    }

    /** Makes the {@code --config} mixins know the default file (tests point it elsewhere). */
    private static final class Factory implements CommandLine.IFactory {
        private final Path defaultConfig;

        Factory(Path defaultConfig) {
            this.defaultConfig = defaultConfig;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ConfigOptions.class) {
                return type.cast(new ConfigOptions(defaultConfig));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The kinds of failure: the exit code, the JSON "kind" and the prefix of the one line on stderr. */
    private enum FailureKind {
        UNREACHABLE(ExitCodes.DAEMON_UNREACHABLE, "UNREACHABLE: "),
        REFUSED(ExitCodes.REFUSED, "REFUSED: "),
        CONFIG(ExitCodes.CONFIG, "CONFIGURATION ERROR: "),
        IO(ExitCodes.IO_ERROR, "ERROR: "),
        INTERNAL(ExitCodes.INTERNAL, "INTERNAL ERROR (a bug: please report it): ");

        final int exit;
        final String prefix;

        FailureKind(int exit, String prefix) {
            this.exit = exit;
            this.prefix = prefix;
        }

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What an exception means for the operator: its kind and the one line that says it. */
    private record Failure(FailureKind kind, String message) {
        static Failure of(Exception e) {
            if (e instanceof AdminClient.UnreachableException) {
                return new Failure(FailureKind.UNREACHABLE, e.getMessage());
            }
            if (e instanceof ListRejectedException || e instanceof RefusedException) {
                return new Failure(FailureKind.REFUSED, e.getMessage());
            }
            if (e instanceof ConfigException) {
                return new Failure(FailureKind.CONFIG, e.getMessage());
            }
            if (e instanceof IOException) {
                return new Failure(FailureKind.IO, IoErrors.describe((IOException) e));
            }
            if (e instanceof UncheckedIOException) {
                return new Failure(FailureKind.IO, IoErrors.describe(((UncheckedIOException) e).getCause()));
            }
            if (e instanceof InvalidPathException) {
                return new Failure(FailureKind.IO, e.getMessage());
            }
            return new Failure(FailureKind.INTERNAL, e.toString());
        }
    }

    /** One line per failure, and the exit code that says what kind it was; with --json also one JSON object. */
    private static int handleFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        Failure failure = Failure.of(e);
        PrintWriter err = cli.getErr();
        err.println(failure.kind().prefix + failure.message());
        if (failure.kind() == FailureKind.INTERNAL) {
            e.printStackTrace(err);
        }
        err.flush();
        if (wantsJson(cli)) {
            printJsonError(cli.getOut(), failure.message(), failure.kind().wireName(), failure.kind().exit);
        }
        return failure.kind().exit;
    }

    private static boolean wantsJson(CommandLine cli) {
        CommandLine.ParseResult result = cli.getParseResult();
        return result != null && result.hasMatchedOption("--json");
    }

    /** The JSON form of a failure, on standard output, for scripts that read only that. */
    static void printJsonError(PrintWriter out, String message, String kind, int exit) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        node.put("kind", kind);
        node.put("exit_code", exit);
        out.println(node.toString());
        out.flush();
    }
}
