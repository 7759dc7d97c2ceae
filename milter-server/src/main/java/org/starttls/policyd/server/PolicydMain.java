package org.starttls.policyd.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.ConfigLoader;
import org.starttls.policyd.server.config.OverrideWarnings;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.daemon.Policyd.ConfigReloadException;
import org.starttls.policyd.server.daemon.StartChecks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code policyd}: the daemon. With no arguments it runs on the embedded default list, on loopback ports. */
@Command(name = "policyd", mixinStandardHelpOptions = true, version = "policyd 0.1.0", sortOptions = false,
        description = {"Answers Postfix and Sendmail, per destination domain, from a signature-verified STARTTLS "
                + "preload list: socketmap (smtp_tls_policy_maps, Sendmail FEATURE(sts)) on 127.0.0.1:5461 and "
                + "policy delegation (check_policy_service) on 127.0.0.1:5462 by default.",
            "Flags override the configuration file. SIGHUP (or 'policyctl reload') re-reads the configuration and "
                + "the list; SIGTERM stops cleanly."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Stopped cleanly (or --check-config found no problem; it prints a WARNING line when the "
                + "configuration enforces nothing, or would defer all mail until a list verifies).",
            "2:Invalid command line.", "70:Internal error.",
            "71:A door could not listen on its address (in use, or no permission).",
            "78:The configuration is invalid (the reason is printed); the systemd unit does not restart on it."})
public final class PolicydMain implements Callable<Integer> {
    static {
        LogTimestamps.configure(); // before the first logger below: slf4j-simple reads its settings once
        LeakDetectionSampling.configure(); // before the first Netty class: its leak detector reads it once
    }

    private static final Logger LOG = LoggerFactory.getLogger(PolicydMain.class);
    static final int EXIT_CONFIG = 78;
    static final int EXIT_CANNOT_LISTEN = 71;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (see deploy/policyd.yaml).")
    Path config;

    @Option(names = "--list-url", paramLabel = "URL", description = "Fetch the list from this http(s) URL.")
    String listUrl;

    @Option(names = "--signature-url", paramLabel = "URL", description = "Signature URL (default: --list-url + .asc).")
    String signatureUrl;

    @Option(names = "--list-file", paramLabel = "FILE", description = "Use this local list file (re-read on reload).")
    String listFile;

    @Option(names = "--signature-file", paramLabel = "FILE", description = "Signature of --list-file (default: + .asc).")
    String signatureFile;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Pinned OpenPGP public key(s) the list must be signed by (default: the keyring recorded with the "
                    + "installed list, else the embedded EFF key).")
    String keyring;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the last good list is kept (default: " + StateDirectory.DEFAULT_PATH_NAME + ").")
    String stateDir;

    @Option(names = "--socketmap-listen", paramLabel = "HOST:PORT|unix:PATH", description = "Socketmap door address.")
    String socketmapListen;

    @Option(names = "--policy-listen", paramLabel = "HOST:PORT|unix:PATH", description = "Policy delegation door address.")
    String policyListen;

    @Option(names = "--milter-listen", paramLabel = "HOST:PORT|unix:PATH",
            description = "Enable the milter door on this address (Postfix smtpd_milters, Sendmail INPUT_MAIL_FILTER).")
    String milterListen;

    @Option(names = "--testing-domains", paramLabel = "report-only|enforce",
            description = "What testing-mode domains get (default: report-only; enforce = EFF's early adopter).")
    String testingDomains;

    @Option(names = "--expired-list", paramLabel = "enforce-nothing|keep-enforcing|tempfail-listed",
            description = "What an expired list does (default: enforce-nothing, EFF's rule).")
    String expiredList;

    @Option(names = "--probe", description = "Turn on downgrade detection (probe.enabled in the configuration; "
            + "policyd then opens SMTP connections to the MXes of listed domains).")
    boolean probe;

    @Option(names = "--check-config", description = "Check the configuration and flags as start does (keyring, "
            + "state directory, trust store, addresses; without binding), print the result, and exit.")
    boolean checkConfig;

    @Spec
    CommandSpec spec;

    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);

    PolicydMain(Clock clock) {
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Clock.systemUTC()).execute(args));
    }

    /** The command line with its exit-code mapping, as {@link #main} runs it. */
    static CommandLine commandLine(Clock clock) {
        CommandLine cli = new CommandLine(new PolicydMain(clock));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("policyd: configuration error: " + e.getMessage());
                return EXIT_CONFIG;
            }
            if (e instanceof java.io.IOException) {
                commandLine.getErr().println("policyd: " + e.getMessage());
                return EXIT_CANNOT_LISTEN;
            }
            commandLine.getErr().println("policyd: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return 70;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        DaemonSettings settings = readSettings(false);
        if (checkConfig) {
            // Everything start checks, without starting: a configuration error exits 78 and an
            // address the doors cannot listen on 71, as start would.
            List<String> checkWarnings = StartChecks.checkConfig(settings, clock);
            PrintWriter out = spec.commandLine().getOut();
            out.println("configuration OK" + (config == null ? " (no file; defaults and flags)" : ": " + config));
            for (String deprecated : settings.warnings()) {
                out.println("WARNING: " + deprecated);
            }
            if (!settings.overrides().isEmpty()) {
                out.println("local overrides: " + settings.overrides().size());
            }
            for (String overrideWarning : OverrideWarnings.of(settings.overrides(), clock.instant())) {
                out.println("WARNING: " + overrideWarning);
            }
            for (String warning : checkWarnings) {
                out.println("WARNING: " + warning);
            }
            out.flush();
            return 0;
        }
        Supplier<DaemonSettings> reread = () -> {
            try {
                return readSettings(true);
            } catch (ConfigException e) {
                throw new ConfigReloadException(e);
            }
        };
        Policyd daemon = Policyd.start(settings, reread, clock);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "policyd-shutdown"));
        // The reload runs on the daemon's control plane; this only submits it.
        Signals.onHangup(() -> {
            LOG.info("SIGHUP: reloading the configuration and the list");
            daemon.reloadAll();
        });
        stopped.await();
        return 0;
    }

    /**
     * The configuration file (or defaults) with the flags applied, validated. An empty file means
     * the defaults at start (with a warning) but is refused on {@code reload}: it must not silently
     * replace a running configuration.
     */
    DaemonSettings readSettings(boolean reload) throws ConfigException {
        PolicydConfig c = config == null ? new PolicydConfig()
                : reload ? ConfigLoader.loadForReload(config) : ConfigLoader.load(config);
        if (!reload && config != null && isEmpty(config)) {
            LOG.warn("{} is empty: running on the defaults and the command-line flags", config);
        }
        if (listUrl != null || listFile != null) {
            c.list.url = listUrl;
            c.list.file = listFile;
            c.list.signatureUrl = null;
            c.list.signatureFile = null;
        }
        c.list.signatureUrl = signatureUrl != null ? signatureUrl : c.list.signatureUrl;
        c.list.signatureFile = signatureFile != null ? signatureFile : c.list.signatureFile;
        c.list.keyring = keyring != null ? keyring : c.list.keyring;
        c.list.stateDir = stateDir != null ? stateDir : c.list.stateDir;
        if (socketmapListen != null) {
            c.socketmap.enabled = true;
            c.socketmap.listen = socketmapListen;
        }
        if (policyListen != null) {
            c.policyService.enabled = true;
            c.policyService.listen = policyListen;
        }
        if (milterListen != null) {
            c.milter.enabled = true;
            c.milter.listen = milterListen;
        }
        c.policy.testingDomains = testingDomains != null ? testingDomains : c.policy.testingDomains;
        c.policy.expiredList = expiredList != null ? expiredList : c.policy.expiredList;
        c.probe.enabled = probe || c.probe.enabled;
        return DaemonSettings.from(c, config);
    }

    private static boolean isEmpty(Path file) {
        try {
            return java.nio.file.Files.size(file) == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
