package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.fetcher.ActiveList;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.HttpListDownloader;
import org.starttls.policyd.fetcher.InstalledList;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.fetcher.UpdateResult;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.OverrideWarnings;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.sts.StsWaiter;

/**
 * The daemon's control plane: one thread of its own owns the configuration, reloads (SIGHUP and
 * {@code policyctl reload} submit one and get its {@link ReloadOutcome} back), the list source's
 * lifecycle and its refreshes, the expiry alarm, and
 * the daily check of the local overrides' expiry. Each change is built off the event loops,
 * validated, and published as one immutable {@link AnsweringSnapshot} that the doors read per
 * request. The active list changes only through {@link ActiveList#offer}: never to an older list,
 * never to the embedded default once a list from a source has verified.
 */
final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** Re-reads the configuration for a reload. */
    @FunctionalInterface
    interface SettingsSource {
        DaemonSettings reread() throws ConfigException;
    }

    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final Clock clock;
    private final SettingsSource settingsSource;
    private final UnaryOperator<ReceiptDecider> receiptLayer;
    private final AnswerMeters meters;
    /** MTA-STS for the doors, built once at start; null when it is off. */
    private final StsWaiter sts;
    /** DANE for the socketmap door, set once after start ({@link #useDane}); null when it is off. */
    private volatile DaneWaiter dane;
    /** The settings the doors and endpoints were bound with. */
    private final DaemonSettings started;
    private final ActiveList active;
    private final ExpiryAlarm expiry;
    private final OverrideExpiryCheck overrideExpiry;
    private final AtomicReference<AnsweringSnapshot> snapshot = new AtomicReference<>();
    /** Written on the control thread only (and during start, before it runs anything); read anywhere. */
    private volatile ListKeeper keeper;
    /** The configuration as last read and accepted. */
    private volatile DaemonSettings desired;
    /** What runs: {@link #desired} with the restart-only parts as {@link #started}. */
    private volatile DaemonSettings inForce;
    private String lastEnforcing;
    /** Set once the start-up list is in place: changes after that are logged as they happen. */
    private boolean startedUp;
    /** The HTTP downloader, kept across reloads while its limits stay the same. */
    private HttpListDownloader downloader;

    private ControlPlane(ScheduledExecutorService executor, boolean ownsExecutor, Clock clock,
            SettingsSource settingsSource, UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters,
            DaemonSettings started, StsWaiter sts) {
        this.executor = executor;
        this.sts = sts;
        this.ownsExecutor = ownsExecutor;
        this.clock = clock;
        this.settingsSource = settingsSource;
        this.receiptLayer = receiptLayer;
        this.meters = meters;
        this.started = started;
        this.desired = started;
        this.inForce = started;
        this.active = new ActiveList(null, this::listChanged);
        this.expiry = new ExpiryAlarm(executor, clock, message -> LOG.error("{}", message));
        this.overrideExpiry = new OverrideExpiryCheck(executor, clock, () -> inForce.overrides(),
                new OverrideExpiryCheck.Sink() {
                    @Override
                    public void warn(String sentence) {
                        LOG.warn("{}", sentence);
                    }

                    @Override
                    public void info(String sentence) {
                        LOG.info("{}", sentence);
                    }
                });
    }

    /** A control plane on a thread of its own ({@code policyd-control}). */
    static ControlPlane start(DaemonSettings settings, SettingsSource settingsSource, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters) throws ConfigException {
        return start(settings, settingsSource, clock, receiptLayer, meters, (StsWaiter) null);
    }

    /** As above, the doors asking MTA-STS through {@code sts} (null: off). */
    static ControlPlane start(DaemonSettings settings, SettingsSource settingsSource, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters, StsWaiter sts) throws ConfigException {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "policyd-control");
            t.setDaemon(true);
            return t;
        });
        // Reloads and refreshes cancel timers all the time; cancelled ones must not pile up.
        thread.setRemoveOnCancelPolicy(true);
        try {
            return start(settings, settingsSource, clock, receiptLayer, meters, thread, true, sts);
        } catch (ConfigException | RuntimeException e) {
            thread.shutdownNow();
            throw e;
        }
    }

    /**
     * Loads the start-up list and publishes the first snapshot; the refreshes then run on
     * {@code executor}, which must run one task at a time.
     */
    static ControlPlane start(DaemonSettings settings, SettingsSource settingsSource, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters, ScheduledExecutorService executor,
            boolean ownsExecutor) throws ConfigException {
        return start(settings, settingsSource, clock, receiptLayer, meters, executor, ownsExecutor, null);
    }

    private static ControlPlane start(DaemonSettings settings, SettingsSource settingsSource, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters, ScheduledExecutorService executor,
            boolean ownsExecutor, StsWaiter sts) throws ConfigException {
        ControlPlane plane = new ControlPlane(executor, ownsExecutor, clock, Objects.requireNonNull(settingsSource),
                Objects.requireNonNull(receiptLayer), Objects.requireNonNull(meters), Objects.requireNonNull(settings), sts);
        plane.keeper = ListKeeper.create(settings.source(), plane.active, executor, clock, plane::downloader);
        plane.publish();
        plane.announceOverrides(settings);
        new StartupLoad(plane.keeper, plane.active, clock, plane.inForce.engine(), plane.inForce.mtaSts().enabled()).run();
        synchronized (plane) {
            plane.startedUp = true;
        }
        plane.overrideExpiry.start();
        return plane;
    }

    private synchronized HttpListDownloader downloader(FetchSettings limits) {
        if (downloader == null || !downloader.settings().equals(limits)) {
            downloader = new HttpListDownloader(limits);
        }
        return downloader;
    }

    /** Called by {@link ActiveList} on the offering thread (the control thread, or start-up). */
    private void listChanged(VerifiedList list) {
        ListKeeper k = keeper;
        if (k != null) {
            k.health().activated(list, null);
        }
        publish();
    }

    /** Makes the socketmap door ask DANE first (before the doors are bound), and republishes. */
    synchronized void useDane(DaneWaiter daneWaiter) {
        this.dane = daneWaiter;
        publish();
    }

    /** Builds and publishes the snapshot for the active list and the settings in force. */
    private synchronized void publish() {
        VerifiedList list = active.get();
        DaemonSettings settings = inForce;
        snapshot.set(AnsweringSnapshot.build(list, settings, clock, receiptLayer, meters, sts, dane));
        expiry.watch(list, settings.engine(), settings.mtaSts().enabled());
        String enforcing = Enforcement.of(list, settings.engine(), clock.instant(), settings.mtaSts().enabled()).describe();
        if (startedUp && !enforcing.equals(lastEnforcing)) {
            if (enforcing.startsWith("enforcing NOTHING")) {
                LOG.warn("policyd is now {}", enforcing);
            } else {
                LOG.info("policyd is now {}", enforcing);
            }
        }
        lastEnforcing = enforcing;
    }

    /**
     * Submits a reload: the configuration is re-read and, when valid, applied; then the list is
     * fetched or re-read. Both run on the control thread; the future completes there.
     */
    CompletableFuture<ReloadOutcome> reload() {
        CompletableFuture<ConfigStep> config;
        try {
            config = CompletableFuture.supplyAsync(this::reloadConfig, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("policyd is stopping", e));
        }
        return config.thenCompose(step -> keeper.refreshNow().thenApply(result -> finish(step, result)));
    }

    private ReloadOutcome finish(ConfigStep step, UpdateResult result) {
        ReloadOutcome outcome = new ReloadOutcome(step.config, step.error, step.restartNeeded, result);
        LOG.info("reload: configuration {}; list: {}; {}", outcome.config().wireName(), result.describe(),
                Enforcement.of(active.get(), inForce.engine(), clock.instant(), inForce.mtaSts().enabled()).describe());
        return outcome;
    }

    /** What the configuration part of a reload did. */
    private record ConfigStep(ReloadOutcome.Config config, String error, List<String> restartNeeded) {
    }

    private ConfigStep reloadConfig() {
        DaemonSettings next;
        try {
            next = settingsSource.reread();
        } catch (ConfigException e) {
            return refused(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("reload: reading the configuration failed unexpectedly", e);
            return refused("internal error while reading the configuration: " + e);
        }
        List<String> restart = RestartNeeded.between(started, next);
        if (next.equals(desired)) {
            announceOverrides(desired);
            return new ConfigStep(ReloadOutcome.Config.UNCHANGED, null, restart);
        }
        if (!next.source().equals(inForce.source())) {
            ListKeeper replacement;
            try {
                replacement = ListKeeper.create(next.source(), active, executor, clock, this::downloader);
            } catch (ConfigException e) {
                return refused(e.getMessage());
            }
            apply(next);
            switchTo(replacement);
        } else {
            apply(next);
        }
        if (!restart.isEmpty()) {
            LOG.warn("reload: changes to {} take effect only after a restart; the rest is applied now",
                    String.join(", ", restart));
        }
        return new ConfigStep(ReloadOutcome.Config.APPLIED, null, restart);
    }

    private ConfigStep refused(String message) {
        LOG.error("reload: the configuration was NOT changed: {}", message);
        return new ConfigStep(ReloadOutcome.Config.REFUSED, message, RestartNeeded.between(started, desired));
    }

    private void apply(DaemonSettings next) {
        desired = next;
        inForce = RestartNeeded.inForce(started, next);
        publish();
        announceOverrides(next);
    }

    /** At start and on every reload: how many overrides apply, and which expire soon or did. */
    private void announceOverrides(DaemonSettings settings) {
        if (!settings.overrides().isEmpty()) {
            LOG.info("local overrides: {} loaded", settings.overrides().size());
        }
        OverrideWarnings.of(settings.overrides(), clock.instant()).forEach(warning -> LOG.warn("{}", warning));
    }

    /**
     * Replaces the list source. Its installed list is only offered (it must not be older than the
     * active one); the embedded default is never offered on reload.
     */
    private void switchTo(ListKeeper replacement) {
        ListKeeper previous = keeper;
        keeper = replacement;
        previous.close();
        InstalledList installed = replacement.installed();
        if (installed.list() != null) {
            active.offer(installed.list());
        } else if (installed.problem() != null) {
            LOG.error("reload: {}; the active list is kept", installed.problem());
        }
        VerifiedList current = active.get();
        if (current != null) {
            replacement.health().activated(current, null);
        } else {
            replacement.health().noList("no list from " + replacement.source().describe() + " has verified yet");
        }
        replacement.startRefreshing(false);
        LOG.info("reload: the list source is now {}", replacement.source().describe());
    }

    /** The snapshot the doors answer from; read it once per request. */
    Supplier<AnsweringSnapshot> snapshots() {
        return snapshot::get;
    }

    AnsweringSnapshot snapshot() {
        return snapshot.get();
    }

    VerifiedList activeList() {
        return active.get();
    }

    DaemonSettings settings() {
        return inForce;
    }

    Clock clock() {
        return clock;
    }

    ListStatus listStatus() {
        return keeper.status();
    }

    /** Whether a list source (list.url or list.file) is configured, as opposed to the embedded list alone. */
    boolean hasListSource() {
        return keeper.hasSource();
    }

    long totalUpdateFailures() {
        return keeper.totalUpdateFailures();
    }

    Enforcement enforcement() {
        return Enforcement.of(active.get(), inForce.engine(), clock.instant(), inForce.mtaSts().enabled());
    }

    /** Stops the refreshes and the thread; a reload or refresh in progress finishes first (bounded). */
    @Override
    public void close() {
        expiry.disarm();
        overrideExpiry.stop();
        keeper.close();
        if (ownsExecutor) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
