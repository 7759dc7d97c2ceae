package org.starttls.policyd.server.daemon;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.server.admin.AdminActions;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.fetcher.UpdateResult;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.metrics.DaemonSnapshot;
import org.starttls.policyd.server.metrics.MetricsServer;
import org.starttls.policyd.server.probe.DowngradeDetector;
import org.starttls.policyd.server.transport.RunningServer;

/**
 * The running daemon: one engine holding the active list, the list keeper that refreshes it, and
 * the front doors that answer the MTA from it.
 */
public final class Policyd implements AutoCloseable, AdminActions {
    private static final Logger LOG = LoggerFactory.getLogger(Policyd.class);

    private final PolicyEngine engine;
    private final Supplier<DaemonSettings> settingsSource;
    private final Doors doors;
    private final DowngradeDetector probes;
    private volatile ListKeeper lists;
    private volatile DaemonSettings settings;
    private final AnswerMeters meters;
    /** The /metrics endpoint, or null when disabled or when it could not bind ({@link #metricsProblem}). */
    private volatile MetricsServer metricsServer;
    private volatile String metricsProblem;
    private volatile String metricsListen;

    private Policyd(PolicyEngine engine, Supplier<DaemonSettings> settingsSource, DaemonSettings settings,
            ListKeeper lists, Doors doors, AnswerMeters meters, DowngradeDetector probes) {
        this.meters = meters;
        this.probes = probes;
        this.engine = engine;
        this.settingsSource = settingsSource;
        this.settings = settings;
        this.lists = lists;
        this.doors = doors;
    }

    /**
     * Loads the list and binds the doors.
     *
     * @param settingsSource re-reads the settings on reload; it may throw {@link ConfigReloadException}
     */
    public static Policyd start(DaemonSettings settings, Supplier<DaemonSettings> settingsSource, Clock clock)
            throws IOException, ConfigException {
        return start(settings, settingsSource, clock, UnaryOperator.identity());
    }

    /**
     * As {@link #start(DaemonSettings, Supplier, Clock)}, with {@code receiptLayer} adding downgrade
     * knowledge to the receipt-time doors' decisions.
     */
    public static Policyd start(DaemonSettings settings, Supplier<DaemonSettings> settingsSource, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer) throws IOException, ConfigException {
        Objects.requireNonNull(settings, "settings");
        StartChecks.refuseWhatStartWouldRefuse(settings);
        PolicyEngine engine = new PolicyEngine(clock, settings.engine());
        ListKeeper lists = ListKeeper.start(settings.source(), engine, clock);
        DowngradeDetector probes = null;
        try {
            probes = startProbes(settings, clock);
            UnaryOperator<ReceiptDecider> layer = probes == null ? receiptLayer : withProbes(receiptLayer, probes);
            AnswerMeters meters = new AnswerMeters();
            Doors doors = Doors.start(settings, engine, layer, meters);
            Policyd daemon = new Policyd(engine, settingsSource, settings, lists, doors, meters, probes);
            if (settings.admin() != null) {
                try {
                    doors.startAdmin(settings.admin(), daemon);
                } catch (IOException e) {
                    daemon.close();
                    throw e;
                }
            }
            daemon.startMetrics(settings.metrics());
            LOG.info("policyd ready: testing-domains {}, expired-list {}", settings.engine().testingDomains(),
                    settings.engine().expiredList());
            return daemon;
        } catch (IOException | ConfigException | RuntimeException e) {
            if (probes != null) {
                probes.close();
            }
            lists.close();
            throw e;
        }
    }

    /** Downgrade detection, when the configuration opts in; null otherwise. */
    private static DowngradeDetector startProbes(DaemonSettings settings, Clock clock) throws ConfigException {
        if (!settings.probe().enabled()) {
            return null;
        }
        try {
            DowngradeDetector probes = DowngradeDetector.start(settings.probe(), clock);
            LOG.info("downgrade detection on: probing MXes of listed domains on port {} (wait budget {} ms)",
                    settings.probe().port(), settings.probe().waitBudget().toMillis());
            return probes;
        } catch (IOException e) {
            throw new ConfigException("probe.trust-store: " + e.getMessage());
        }
    }

    private static UnaryOperator<ReceiptDecider> withProbes(UnaryOperator<ReceiptDecider> layer, DowngradeDetector probes) {
        return list -> probes.layer(layer.apply(list));
    }

    /**
     * Re-reads the configuration and the list (SIGHUP, {@code policyctl reload}). A configuration
     * that does not validate is refused and the running one kept; so is a list that does not verify.
     */
    public synchronized CompletableFuture<UpdateResult> reloadAll() {
        DaemonSettings next;
        try {
            next = settingsSource.get();
        } catch (ConfigReloadException e) {
            LOG.error("reload: the configuration was NOT changed: {}", e.getMessage());
            return lists.refreshNow();
        }
        String restart = doors.restartNeeded(next);
        if (!java.util.Objects.equals(settings.metrics(), next.metrics())) {
            LOG.warn("reload: changes to metrics enabled/listen take effect only after a restart");
        }
        if (restart != null) {
            LOG.warn("reload: changes to {} take effect only after a restart; the rest is applied now", restart);
        }
        if (!next.source().equals(settings.source())) {
            try {
                ListKeeper replacement = ListKeeper.start(next.source(), engine, engine.clock());
                lists.close();
                lists = replacement;
                LOG.info("reload: list source is now {}", ListKeeper.source(next.source()).describe());
            } catch (ConfigException e) {
                LOG.error("reload: the list settings were NOT changed: {}", e.getMessage());
                next = new DaemonSettings(settings.source(), next.engine(), next.socketmap(), next.policyService(),
                        next.milter(), next.admin(), next.transport(), next.metrics(), next.probe());
            }
        }
        doors.reconfigure(next);
        settings = next;
        LOG.info("reload: configuration applied; refreshing the list");
        return lists.refreshNow();
    }

    /**
     * Binds the metrics endpoint. A failure is logged and reported by status, not fatal: a
     * monitoring port taken by something else must not stop the doors that protect mail.
     */
    private void startMetrics(org.starttls.policyd.server.transport.ListenAddress address) {
        if (address == null) {
            return;
        }
        metricsListen = address.toString();
        try {
            metricsServer = MetricsServer.start(new java.net.InetSocketAddress(address.host(), address.port()), meters,
                    this::snapshot);
        } catch (IOException | RuntimeException e) {
            metricsProblem = "cannot listen on " + address + ": " + e.getMessage();
            LOG.error("metrics: {}; /metrics and /health are NOT served (the doors are unaffected)", metricsProblem);
        }
    }

    /** The state the metrics endpoint reports, read now. */
    public DaemonSnapshot snapshot() {
        List<DaemonSnapshot.DoorState> states = servers().stream()
                .map(server -> new DaemonSnapshot.DoorState(server.name(), server.isOpen())).toList();
        ListKeeper keeper = lists;
        return new DaemonSnapshot(engine.clock().instant(), engine.activeList(), keeper.status(),
                keeper.totalUpdateFailures(), states);
    }

    /** Answer counters by door. */
    public AnswerMeters meters() {
        return meters;
    }

    /** The metrics endpoint's bound port, or -1 when it is not serving. */
    public int metricsPort() {
        MetricsServer server = metricsServer;
        return server == null ? -1 : server.port();
    }

    /** The metrics address policyd started with, or null when disabled. */
    String metricsListen() {
        return metricsListen;
    }

    String metricsProblem() {
        return metricsProblem;
    }

    @Override
    public ObjectNode status() {
        return DaemonStatus.of(this);
    }

    @Override
    public CompletableFuture<ObjectNode> reload() {
        return reloadAll().thenApply(DaemonStatus::ofUpdate);
    }

    public ListStatus listStatus() {
        return lists.status();
    }

    public PolicyEngine engine() {
        return engine;
    }

    public List<RunningServer> servers() {
        return doors.servers();
    }

    public DaemonSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        LOG.info("policyd stopping");
        MetricsServer server = metricsServer;
        if (server != null) {
            server.close();
        }
        doors.close();
        if (probes != null) {
            probes.close();
        }
        lists.close();
        LOG.info("policyd stopped");
    }

    /** A configuration re-read on reload that cannot be used; carries the loader's message. */
    public static final class ConfigReloadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConfigReloadException(ConfigException cause) {
            super(cause.getMessage(), cause);
        }
    }

}
