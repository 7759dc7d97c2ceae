package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.fetcher.ActiveList;
import org.starttls.policyd.fetcher.InstalledList;
import org.starttls.policyd.fetcher.ListHealth;
import org.starttls.policyd.fetcher.ListSource;
import org.starttls.policyd.server.config.DaemonSettings.WhileUnverified;
import org.starttls.policyd.server.config.SettingNames;

/**
 * The list the daemon starts answering from, and the start-up lines that say what it enforces.
 * The installed list if it verifies (a local file is re-read before answering; a URL is checked
 * after the start-up jitter, or at once when the installed list has expired). Otherwise, with a
 * source configured: an ERROR (or a WARN on a first start with nothing installed), an unhealthy
 * status, a fetch at once, and meanwhile what {@code list.while-unverified} says (by default no
 * list: every lookup is a tempfail). With no source: the embedded default.
 */
final class StartupLoad {
    private static final Logger LOG = LoggerFactory.getLogger(StartupLoad.class);
    /** How long start-up waits for a local list file to be verified and installed. */
    private static final Duration FIRST_LOCAL_UPDATE_WAIT = Duration.ofSeconds(60);

    private final ListKeeper keeper;
    private final ActiveList active;
    private final Clock clock;
    private final EngineSettings rules;
    private final boolean mtaSts;

    StartupLoad(ListKeeper keeper, ActiveList active, Clock clock, EngineSettings rules, boolean mtaSts) {
        this.mtaSts = mtaSts;
        this.keeper = keeper;
        this.active = active;
        this.clock = clock;
        this.rules = rules;
    }

    void run() {
        ListKeeper k = keeper;
        InstalledList installed = k.installed();
        boolean attempted = false;
        String logged = null;
        if (installed.list() != null) {
            active.offer(installed.list());
            if (k.source().kind() == ListSource.Kind.FILES) {
                // A local file is what the operator wants in force now: install it before answering.
                attempted = firstLocalRefresh(k);
            } else {
                // An installed list that has already expired is no reason to wait out the jitter.
                k.startRefreshing(installed.list().list().isExpiredAt(clock.instant()));
            }
        } else if (!k.hasSource()) {
            VerifiedList embedded = EmbeddedDefault.load();
            active.offer(embedded);
            if (installed.problem() != null) {
                logged = installed.problem() + "; answering from the " + embedded.source();
                LOG.error("list: {}", logged);
                k.health().activated(embedded, logged);
            }
        } else {
            logged = unverifiedAtStart(k, installed);
            attempted = k.source().kind() == ListSource.Kind.FILES && firstLocalRefresh(k);
            if (!attempted) {
                k.startRefreshing(true);
            }
        }
        logActive(!attempted, logged);
    }

    /** Logs and records what answers until a list verifies; returns the notice logged. */
    private String unverifiedAtStart(ListKeeper k, InstalledList installed) {
        WhileUnverified meanwhile = k.settings().whileUnverified();
        String why = installed.nothingInstalled() ? "no list is installed in " + k.settings().stateDir() + " yet"
                : installed.problem();
        String notice = why + "; fetching from " + k.source().describe() + " now; until a list from it verifies, "
                + (meanwhile == WhileUnverified.EMBEDDED_DEFAULT
                        ? "the embedded default answers (list.while-unverified: embedded-default)"
                        : "every lookup answers TEMP and mail is deferred (list.while-unverified: "
                                + SettingNames.name(meanwhile) + ")");
        if (installed.nothingInstalled()) {
            LOG.warn("list: {}", notice);
        } else {
            LOG.error("list: {}", notice);
        }
        if (meanwhile == WhileUnverified.EMBEDDED_DEFAULT) {
            VerifiedList embedded = EmbeddedDefault.load();
            active.offer(embedded);
            k.health().activated(embedded, notice);
        } else {
            k.health().noList(notice);
        }
        return notice;
    }

    /** Runs the first refresh of a local file and waits for it (bounded); true when it ran. */
    private boolean firstLocalRefresh(ListKeeper k) {
        try {
            k.refreshNow().get(FIRST_LOCAL_UPDATE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("list: the first update did not finish in {} s; continuing with the list above",
                    FIRST_LOCAL_UPDATE_WAIT.toSeconds());
        }
        return false;
    }

    /** The start-up summary: the active list, standing warnings (but {@code logged} again), what is enforced. */
    private void logActive(boolean withWarnings, String logged) {
        VerifiedList list = active.get();
        if (list != null) {
            LOG.info("active list: {} (timestamp {}, expires {}, {} domains, signed by {} at {})", list.source(),
                    list.list().timestamp(), list.list().expires(), list.list().size(),
                    list.signature().signerDescription(), list.signature().signatureTime());
        }
        if (withWarnings) {
            for (String warning : keeper.status().warnings()) {
                // The enforcing line below says these, with what the settings make of them.
                if (!warning.startsWith(ListHealth.EXPIRED_PREFIX) && !warning.equals(ListHealth.NO_LIST)
                        && !warning.equals(logged)) {
                    LOG.warn("list: {}", warning);
                }
            }
        }
        String enforcing = Enforcement.of(list, rules, clock.instant(), mtaSts).describe();
        if (enforcing.startsWith("enforcing NOTHING")) {
            LOG.warn("policyd is {}", enforcing);
        } else {
            LOG.info("policyd is {}", enforcing);
        }
    }

}
