package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;
import org.starttls.policyd.fetcher.ActiveList;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.HealthThresholds;
import org.starttls.policyd.fetcher.HttpListDownloader;
import org.starttls.policyd.fetcher.InstalledList;
import org.starttls.policyd.fetcher.KeyringChoice;
import org.starttls.policyd.fetcher.ListHealth;
import org.starttls.policyd.fetcher.ListSource;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.fetcher.ListUpdater;
import org.starttls.policyd.fetcher.RefreshScheduler;
import org.starttls.policyd.fetcher.RefreshSettings;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.UpdateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings.ListSettings;

/**
 * One list source's lifecycle under the control plane: its keyring, state directory, updater and
 * refresh schedule, and the health of its updates. It never sets the active list itself: what it
 * reads or fetches is offered to the {@link ActiveList}, the rollback-guarded way in. A reload
 * that changes a {@code list.*} setting makes a new keeper and closes the old one.
 */
final class ListKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListKeeper.class);
    private final ListSettings settings;
    private final ListSource source;
    private final ListVerifier verifier;
    private final StateDirectory state;
    private final ListHealth health;
    private final RefreshScheduler scheduler;

    private ListKeeper(ListSettings settings, ListSource source, ListVerifier verifier, StateDirectory state,
            ListHealth health, RefreshScheduler scheduler) {
        this.settings = settings;
        this.source = source;
        this.verifier = verifier;
        this.state = state;
        this.health = health;
        this.scheduler = scheduler;
    }

    /**
     * Builds the keeper for {@code settings}; nothing runs until {@link #startRefreshing}.
     *
     * @param executor the control plane's thread, where every refresh runs
     * @param downloaders the HTTP client for given limits (one is kept and shared across keepers:
     *     each holds a selector thread until it is collected)
     * @throws ConfigException when the keyring cannot be read
     */
    static ListKeeper create(ListSettings settings, ActiveList active, ScheduledExecutorService executor, Clock clock,
            Function<FetchSettings, HttpListDownloader> downloaders) throws ConfigException {
        ListVerifier verifier = new ListVerifier(keyring(settings));
        StateDirectory state = new StateDirectory(settings.stateDir());
        ListHealth health = new ListHealth(clock, HealthThresholds.DEFAULTS);
        ListSource source = source(settings);
        RefreshScheduler scheduler = null;
        if (source.kind() != ListSource.Kind.EMBEDDED) {
            FetchSettings fetch = FetchSettings.DEFAULTS.withMaxListBytes(settings.maxBytes())
                    .withTimeouts(FetchSettings.DEFAULTS.connectTimeout(), settings.timeout(), settings.timeout().multipliedBy(2));
            ListUpdater updater = new ListUpdater(source, downloaders.apply(fetch), verifier, state, clock);
            scheduler = new RefreshScheduler(updater, active, health, refreshSettings(settings.refreshInterval()),
                    RandomGenerator.getDefault(), clock, executor);
        }
        return new ListKeeper(settings, source, verifier, state, health, scheduler);
    }

    /** The state directory's installed list, verified under this keeper's keyring. */
    InstalledList installed() {
        return InstalledList.read(state, verifier);
    }

    /**
     * Starts the refresh schedule (nothing to do for the embedded source).
     *
     * @param now fetch at once instead of after the start-up jitter (no verified list yet)
     */
    void startRefreshing(boolean now) {
        if (scheduler == null) {
            return;
        }
        if (now) {
            scheduler.startNow();
        } else {
            scheduler.start();
        }
    }

    /** Fetches or re-reads the list as soon as the control thread is free; completes with what happened. */
    CompletableFuture<UpdateResult> refreshNow() {
        if (scheduler == null) {
            return CompletableFuture.completedFuture(new UpdateResult.Unchanged(null,
                    "the source is the embedded list; there is nothing to fetch"));
        }
        return scheduler.refreshNow();
    }

    boolean hasSource() {
        return scheduler != null;
    }

    ListSource source() {
        return source;
    }

    ListSettings settings() {
        return settings;
    }

    ListHealth health() {
        return health;
    }

    ListStatus status() {
        return health.status();
    }

    /** Refused update attempts since this keeper started (a new list source starts a new count). */
    long totalUpdateFailures() {
        return health.totalFailures();
    }

    private static RefreshSettings refreshSettings(Duration interval) {
        RefreshSettings d = RefreshSettings.DEFAULTS;
        // Never back off beyond the regular interval: a failing source is retried at least as often.
        Duration maxRetry = interval.compareTo(d.maxRetry()) < 0 ? interval : d.maxRetry();
        Duration firstRetry = interval.compareTo(d.firstRetry()) < 0 ? interval : d.firstRetry();
        return new RefreshSettings(interval, d.jitter(), firstRetry, maxRetry, d.startupDelay());
    }

    /** The keyring to verify with, logged: see {@link #chooseKeyring}. */
    static PinnedKeyring keyring(ListSettings settings) throws ConfigException {
        KeyringChoice choice = chooseKeyring(settings);
        if (choice.problem() != null) {
            LOG.error("list: verifying with {}", choice.description());
        } else if (choice.rotation()) {
            LOG.warn("list: {}", choice.description());
        } else {
            LOG.info("list: verifying with {}", choice.description());
        }
        return choice.keyring();
    }

    /** The configured keyring, else the one recorded in the state directory, else the embedded key (KeyringChoice). */
    static KeyringChoice chooseKeyring(ListSettings settings) throws ConfigException {
        PinnedKeyring configured = null;
        if (settings.keyring() != null) {
            try {
                configured = PinnedKeyring.read(settings.keyring());
            } catch (SignatureVerificationException e) {
                throw new ConfigException("list.keyring: " + e.getMessage(), e);
            }
        }
        return KeyringChoice.choose(configured, new StateDirectory(settings.stateDir()));
    }

    static ListSource source(ListSettings settings) {
        if (settings.url() != null) {
            return settings.signatureUrl() != null ? ListSource.url(settings.url(), settings.signatureUrl())
                    : ListSource.url(settings.url());
        }
        if (settings.file() != null) {
            return settings.signatureFile() != null ? ListSource.files(settings.file(), settings.signatureFile())
                    : ListSource.files(settings.file());
        }
        return ListSource.embedded();
    }

    /** Stops the refresh schedule; a refresh already running finishes first (it runs on the same thread). */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Override
    public String toString() {
        return "ListKeeper[" + Objects.toString(source) + "]";
    }
}
