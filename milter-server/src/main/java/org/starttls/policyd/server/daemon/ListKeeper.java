package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.HealthThresholds;
import org.starttls.policyd.fetcher.HttpListDownloader;
import org.starttls.policyd.fetcher.KeyringChoice;
import org.starttls.policyd.fetcher.ListHealth;
import org.starttls.policyd.fetcher.ListSource;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.fetcher.ListUpdater;
import org.starttls.policyd.fetcher.RefreshScheduler;
import org.starttls.policyd.fetcher.RefreshSettings;
import org.starttls.policyd.fetcher.StartupList;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.UpdateResult;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.SettingNames;
import org.starttls.policyd.server.config.DaemonSettings.ListSettings;

/**
 * Keeps the engine's list current: the startup list (installed pair re-verified, else the embedded
 * default), then scheduled refreshes from the configured source, each installed atomically.
 */
final class ListKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListKeeper.class);
    /** How long start-up waits for a local list file to be verified and installed. */
    private static final Duration FIRST_LOCAL_UPDATE_WAIT = Duration.ofSeconds(60);

    private final ListSettings settings;
    private final PolicyEngine engine;
    private final ListHealth health;
    private final ListSource source;
    private final RefreshScheduler scheduler;

    private ListKeeper(ListSettings settings, PolicyEngine engine, ListHealth health, ListSource source,
            RefreshScheduler scheduler) {
        this.settings = settings;
        this.engine = engine;
        this.health = health;
        this.source = source;
        this.scheduler = scheduler;
    }

    /** Loads the startup list into {@code engine} and starts refreshing from the configured source. */
    static ListKeeper start(ListSettings settings, PolicyEngine engine, Clock clock) throws ConfigException {
        PinnedKeyring keyring = keyring(settings);
        ListVerifier verifier = new ListVerifier(keyring);
        StateDirectory state = new StateDirectory(settings.stateDir());
        StartupList startup = StartupList.load(state, verifier, EmbeddedDefault::load);
        engine.install(startup.list());
        ListHealth health = new ListHealth(clock, HealthThresholds.DEFAULTS);
        health.activated(startup.list(), startup.notice());
        ListSource source = source(settings);
        RefreshScheduler scheduler = null;
        if (source.kind() != ListSource.Kind.EMBEDDED) {
            FetchSettings fetch = FetchSettings.DEFAULTS.withMaxListBytes(settings.maxBytes())
                    .withTimeouts(FetchSettings.DEFAULTS.connectTimeout(), settings.timeout(), settings.timeout().multipliedBy(2));
            ListUpdater updater = new ListUpdater(source, new HttpListDownloader(fetch), verifier, state, clock);
            scheduler = new RefreshScheduler(updater, engine, health,
                    refreshSettings(settings.refreshInterval()), RandomGenerator.getDefault());
        }
        ListKeeper keeper = new ListKeeper(settings, engine, health, source, scheduler);
        keeper.logActive("active list");
        if (scheduler != null) {
            keeper.startRefreshing();
        }
        return keeper;
    }

    private void startRefreshing() {
        if (source.kind() == ListSource.Kind.FILES) {
            // A local file is what the operator wants in force now: install it before answering.
            waitFor(scheduler.refreshNow(), FIRST_LOCAL_UPDATE_WAIT);
        }
        scheduler.start();
    }

    /** Fetches or re-reads the list now (SIGHUP, policyctl reload); returns what happened. */
    CompletableFuture<UpdateResult> refreshNow() {
        if (scheduler == null) {
            logActive("reload: the source is the embedded list; active list");
            return CompletableFuture.completedFuture(new UpdateResult.Unchanged(null,
                    "the source is the embedded list; there is nothing to fetch"));
        }
        return scheduler.refreshNow().whenComplete((result, error) -> logActive("active list"));
    }

    ListSettings settings() {
        return settings;
    }

    ListStatus status() {
        return health.status();
    }

    /** Refused update attempts since this keeper started (a new list source starts a new count). */
    long totalUpdateFailures() {
        return health.totalFailures();
    }

    private void logActive(String what) {
        VerifiedList list = engine.activeList();
        LOG.info("{}: {} (timestamp {}, expires {}, {} domains, signed by {} at {})", what, list.source(),
                list.list().timestamp(), list.list().expires(), list.list().size(),
                list.signature().signerDescription(), list.signature().signatureTime());
        for (String warning : health.status().warnings()) {
            LOG.warn("list: {}", warning);
        }
        if (list.embeddedDefault()) {
            LOG.warn("list: {}", EmbeddedDefault.WARNING);
        }
        if (engine.isExpired()) {
            LOG.warn("list: EXPIRED since {}; with expired-list: {} the daemon {}", list.list().expires(),
                    SettingNames.name(engine.settings().expiredList()),
                    describeExpiredBehaviour());
        }
    }

    private String describeExpiredBehaviour() {
        switch (engine.settings().expiredList()) {
            case KEEP_ENFORCING:
                return "keeps enforcing it";
            case TEMPFAIL_LISTED:
                return "defers mail to its enforce-mode domains";
            default:
                return "enforces NOTHING from it (every answer is NOTFOUND / DUNNO)";
        }
    }

    private static void waitFor(CompletableFuture<UpdateResult> future, Duration limit) {
        try {
            future.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("list: the first update did not finish in {} s; continuing with the list above", limit.toSeconds());
        }
    }

    private static RefreshSettings refreshSettings(Duration interval) {
        RefreshSettings d = RefreshSettings.DEFAULTS;
        // Never back off beyond the regular interval: a failing source is retried at least as often.
        Duration maxRetry = interval.compareTo(d.maxRetry()) < 0 ? interval : d.maxRetry();
        Duration firstRetry = interval.compareTo(d.firstRetry()) < 0 ? interval : d.firstRetry();
        return new RefreshSettings(interval, d.jitter(), firstRetry, maxRetry, d.startupDelay());
    }

    /** The configured keyring, else the one recorded in the state directory, else the embedded key (KeyringChoice). */
    static PinnedKeyring keyring(ListSettings settings) throws ConfigException {
        PinnedKeyring configured = null;
        if (settings.keyring() != null) {
            try {
                configured = PinnedKeyring.read(settings.keyring());
            } catch (SignatureVerificationException e) {
                throw new ConfigException("list.keyring: " + e.getMessage(), e);
            }
        }
        KeyringChoice choice = KeyringChoice.choose(configured, new StateDirectory(settings.stateDir()));
        if (choice.problem() != null) {
            LOG.error("list: verifying with {}", choice.description());
        } else if (choice.rotation()) {
            LOG.warn("list: {}", choice.description());
        } else {
            LOG.info("list: verifying with {}", choice.description());
        }
        return choice.keyring();
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
