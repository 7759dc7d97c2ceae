package org.starttls.policyd.server.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.server.admin.AdminActions;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.OverrideWarnings;
import org.starttls.policyd.server.config.SettingNames;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.metrics.DaemonSnapshot;
import org.starttls.policyd.server.metrics.MetricsServer;
import org.starttls.policyd.server.probe.DowngradeDetector;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapReply;
import org.starttls.policyd.server.sts.LookupReport;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.transport.RunningServer;

/**
 * The running daemon: the control plane (configuration, reloads, the list and its refreshes, on a
 * thread of its own), the front doors that answer the MTA from its snapshot, and the admin and
 * metrics endpoints.
 */
public final class Policyd implements AutoCloseable, AdminActions {
    private static final Logger LOG = LoggerFactory.getLogger(Policyd.class);

    private final ControlPlane control;
    private final Doors doors;
    private final DowngradeDetector probes;
    private final AnswerMeters meters;
    private final StsService sts;
    /** Set once during start, before the doors are bound. */
    private volatile DaneService dane;
    /** The /metrics endpoint, or null when disabled or when it could not bind ({@link #metricsProblem}). */
    private volatile MetricsServer metricsServer;
    private volatile String metricsProblem;
    private volatile String metricsListen;

    private Policyd(ControlPlane control, Doors doors, AnswerMeters meters, DowngradeDetector probes, StsService sts) {
        this.control = control;
        this.sts = sts;
        this.doors = doors;
        this.meters = meters;
        this.probes = probes;
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
        return start(settings, settingsSource, clock, receiptLayer, StsNetwork::open);
    }

    /**
     * As above, MTA-STS's DNS and HTTPS sides opened by {@code stsNetwork} (the daemon's is
     * {@link StsNetwork#open(DaemonSettings)}; tests give a local world's HTTPS port).
     */
    public static Policyd start(DaemonSettings settings, Supplier<DaemonSettings> settingsSource, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, StsNetwork.Factory stsNetwork)
            throws IOException, ConfigException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(settingsSource, "settingsSource");
        StartChecks.refuseWhatStartWouldRefuse(settings);
        settings.warnings().forEach(warning -> LOG.warn("{}", warning));
        AnswerMeters meters = new AnswerMeters();
        StsService sts = StsService.start(settings, clock, meters.sts(), stsNetwork);
        DowngradeDetector probes = null;
        ControlPlane control = null;
        DaneService dane = null;
        try {
            probes = startProbes(settings, clock);
            UnaryOperator<ReceiptDecider> layer = probes == null ? receiptLayer : withProbes(receiptLayer, probes);
            control = ControlPlane.start(settings, () -> reread(settingsSource), clock, layer, meters, sts.waiter());
            dane = DaneService.start(settings, clock, meters.dane());
            control.useDane(dane.waiter());
            Doors doors = Doors.start(settings, control.snapshots(), meters);
            Policyd daemon = new Policyd(control, doors, meters, probes, sts);
            daemon.dane = dane;
            if (settings.admin() != null) {
                try {
                    doors.startAdmin(settings.admin(), daemon);
                } catch (IOException e) {
                    daemon.close();
                    throw e;
                }
            }
            daemon.startMetrics(settings.metrics());
            LOG.info("policyd ready: testing-domains {}, expired-list {}",
                    SettingNames.name(settings.engine().testingDomains()), SettingNames.name(settings.engine().expiredList()));
            return daemon;
        } catch (IOException | ConfigException | RuntimeException e) {
            if (probes != null) {
                probes.close();
            }
            if (control != null) {
                control.close();
            }
            if (dane != null) {
                dane.close();
            }
            sts.close();
            throw e;
        }
    }

    private static DaemonSettings reread(Supplier<DaemonSettings> source) throws ConfigException {
        try {
            return source.get();
        } catch (ConfigReloadException e) {
            throw (ConfigException) e.getCause();
        }
    }

    /** Downgrade detection, when the configuration opts in; null otherwise. */
    private static DowngradeDetector startProbes(DaemonSettings settings, Clock clock) throws ConfigException {
        if (!settings.probe().enabled()) {
            return null;
        }
        try {
            DowngradeDetector probes = DowngradeDetector.start(settings.probe(), clock);
            LOG.info("downgrade detection on: probing MXes of protected domains on port {} (wait budget {} ms)",
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
     * Submits a reload (SIGHUP, {@code policyctl reload}) to the control plane and returns at once;
     * the future completes when the configuration was re-read (applied, unchanged or refused: a
     * configuration that does not validate leaves the running one in force) and the list was
     * fetched or re-read (a list that does not verify, or is older than the active one, is refused).
     */
    public CompletableFuture<ReloadOutcome> reloadAll() {
        DaneService daneNow = dane;
        if (daneNow == null) {
            return control.reload();
        }
        // The resolver's validation is checked again on every reload (dane.validation-check).
        return daneNow.check("reload").thenCompose(status -> control.reload());
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
        Instant now = control.clock().instant();
        Overrides overrides = control.settings().overrides();
        VerifiedList active = control.activeList();
        return new DaemonSnapshot(now, active, control.listStatus(), control.totalUpdateFailures(), states,
                daneProblem(), overrides.size(), overrides.expiringWithin(now, OverrideWarnings.WARN_BEFORE).size(),
                listIsAdvisory(active));
    }

    /**
     * True on a fresh install: no list source, the embedded default answering and live MTA-STS on.
     * The embedded list's warnings (expired, old) are then advice for /health, not an outage: the
     * operator chose no list, and MTA-STS protects every domain that publishes a policy.
     */
    private boolean listIsAdvisory(VerifiedList active) {
        return active != null && active.embeddedDefault() && !control.hasListSource()
                && control.settings().mtaSts().enabled();
    }

    /** Why DANE does not apply although it is on (the resolver does not validate), or null. */
    private String daneProblem() {
        DaneService daneNow = dane;
        if (daneNow == null || daneNow.resolver() == null || daneNow.resolver().validation().validates()) {
            return null;
        }
        return daneNow.resolver().validation().detail();
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
        ObjectNode status = DaemonStatus.of(this);
        status.set("dane", daneStatus());
        return status;
    }

    /** {@code {"enabled":true,"validates":false,"detail":"..."}}: also in /health. */
    ObjectNode daneStatus() {
        ObjectNode node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        DaneService daneNow = dane;
        boolean on = daneNow != null && daneNow.resolver() != null;
        node.put("enabled", on);
        if (on) {
            node.put("validates", daneNow.resolver().validation().validates());
            node.put("detail", daneNow.resolver().validation().detail());
            node.put("cached_domains", daneNow.resolver().size());
        }
        return node;
    }

    @Override
    public CompletableFuture<ObjectNode> reload() {
        return reloadAll().thenApply(DaemonStatus::ofReload);
    }

    /**
     * What map {@code map} answers for {@code domain}, as the socketmap door would (a first contact
     * waits as the map does), with its explanation; completes off the event loops.
     */
    @Override
    public CompletableFuture<ObjectNode> lookup(String domain, String map) {
        AnsweringSnapshot now = control.snapshot();
        DaemonSettings settings = now.settings();
        DaemonSettings.SocketmapDoor door = settings.socketmap();
        SocketmapMaps maps = door == null
                ? new SocketmapMaps(now.engine(), SocketmapMapSettings.DEFAULTS, java.util.Map.of(), sts.operatorWaiter(),
                        daneWaiter())
                : new SocketmapMaps(now.engine(), door.defaults(), door.named(), sts.operatorWaiter(), daneWaiter());
        String key = domain.strip();
        // The sources are asked even for an overridden domain: the report shows what they would say.
        Decision overridden = settings.overrides().decide(key, control.clock().instant());
        return maps.decideFromSources(map, key).toCompletableFuture().thenApply(fromSources -> {
            Decision decision = overridden != null ? overridden : fromSources;
            SocketmapReply answer = AnswerRenderer.socketmap(map, decision, maps.settingsFor(map));
            TlsPolicy listed = now.list() == null ? null : now.list().list().lookup(decision.domain());
            ObjectNode report = LookupReport.of(map, decision, answer, listed,
                    sts.resolver() == null ? null : sts.resolver().state(decision.domain()), control.clock().instant());
            if (overridden != null) {
                LookupReport.addOverride(report, overridden, fromSources,
                        AnswerRenderer.socketmap(map, fromSources, maps.settingsFor(map)));
            }
            DaneService daneNow = dane;
            org.starttls.policyd.server.dane.DaneReport.addTo(report, daneNow == null ? null : daneNow.resolver(),
                    decision.domain());
            return report;
        });
    }

    public ListStatus listStatus() {
        return control.listStatus();
    }

    /** The engine the doors answer from now (its list and rules are those of the current snapshot). */
    public PolicyEngine engine() {
        return control.snapshot().engine();
    }

    ControlPlane control() {
        return control;
    }

    public List<RunningServer> servers() {
        return doors.servers();
    }

    /** The settings in force (restart-only parts as bound at start). */
    private org.starttls.policyd.server.dane.DaneWaiter daneWaiter() {
        DaneService daneNow = dane;
        return daneNow == null ? null : daneNow.waiter();
    }

    public DaemonSettings settings() {
        return control.settings();
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
        control.close();
        DaneService daneNow = dane;
        if (daneNow != null) {
            daneNow.close();
        }
        sts.close();
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
