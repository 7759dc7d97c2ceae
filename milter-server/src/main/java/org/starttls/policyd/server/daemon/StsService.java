package org.starttls.policyd.server.daemon;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.fetcher.sts.StsLookup;
import org.starttls.policyd.fetcher.sts.StsResolver;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.metrics.StsMeters;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.sts.StsWaiter;

/**
 * Live MTA-STS in the daemon, built once at start and kept across reloads (its cache is the point):
 * the DNS and HTTPS sources, the {@link StsResolver} with its cache file in the state directory,
 * and one thread of its own ({@code policyd-mta-sts}) for the first-contact wait timers and the
 * proactive refresh (every minute; the refresh only starts fetches, which run on the sources'
 * own threads). Nothing here runs on an event loop. With {@code mta-sts.enabled: false} every
 * domain is {@code Disabled} and nothing is started.
 */
final class StsService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StsService.class);
    /** How often the proactive refresh looks for policies close to expiry. */
    static final Duration REFRESH_EVERY = Duration.ofMinutes(1);

    private final StsNetwork sources;
    private final StsResolver resolver;
    private final ScheduledThreadPoolExecutor thread;
    private final StsWaiter waiter;
    private final StsWaiter operatorWaiter;

    private StsService(StsNetwork sources, StsResolver resolver, ScheduledThreadPoolExecutor thread) {
        this.sources = sources;
        this.resolver = resolver;
        this.thread = thread;
        this.waiter = resolver == null ? null : new StsWaiter(resolver, thread);
        this.operatorWaiter = resolver == null ? null : new StsWaiter(resolver.uncounted(), thread);
    }

    static StsService start(DaemonSettings settings, Clock clock, StsMeters meters, StsNetwork.Factory factory)
            throws ConfigException {
        if (!settings.mtaSts().enabled()) {
            LOG.info("MTA-STS off (mta-sts.enabled: false): answers come from the list alone");
            return new StsService(null, null, null);
        }
        StsNetwork sources = factory.open(settings);
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "policyd-mta-sts");
            t.setDaemon(true);
            return t;
        });
        // First-contact timers are cancelled whenever the resolution wins: cancelled ones must go.
        thread.setRemoveOnCancelPolicy(true);
        StsResolver resolver;
        try {
            Path cacheFile = settings.source().stateDir().resolve(StsResolver.CACHE_FILE_NAME);
            resolver = new StsResolver(sources.records(), sources.policies(), clock, settings.mtaSts().resolver(),
                    meters, Optional.of(cacheFile));
        } catch (RuntimeException e) {
            thread.shutdownNow();
            sources.close();
            throw e;
        }
        meters.countEntriesWith(resolver::size);
        StsService service = new StsService(sources, resolver, thread);
        thread.scheduleWithFixedDelay(service::refreshDue, REFRESH_EVERY.toMillis(), REFRESH_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("MTA-STS on: resolver {}, policy hosts verified against {}, {} policies cached",
                settings.dns().describeResolver(), settings.mtaSts().trustStore() == null ? "the JDK's trust store"
                        : settings.mtaSts().trustStore(), resolver.size());
        return service;
    }

    private void refreshDue() {
        try {
            int started = resolver.refreshDue();
            if (started > 0) {
                LOG.debug("MTA-STS: {} proactive refreshes started", started);
            }
        } catch (RuntimeException e) {
            // A failed round must not cancel the schedule.
            LOG.warn("MTA-STS: the proactive refresh failed; trying again in {}", REFRESH_EVERY, e);
        }
    }

    /** What the doors ask, or {@link StsLookup#DISABLED}. */
    StsLookup lookup() {
        return resolver == null ? StsLookup.DISABLED : resolver;
    }

    /** The doors' waiting view of the resolver, or null when MTA-STS is off. */
    StsWaiter waiter() {
        return waiter;
    }

    /**
     * The waiting view for {@code policyctl lookup}: the same answers as the doors', but not counted
     * as cache hits or misses (an operator's questions must not distort the MTA's metrics).
     */
    StsWaiter operatorWaiter() {
        return operatorWaiter;
    }

    /** The resolver, or null when MTA-STS is off. */
    StsResolver resolver() {
        return resolver;
    }

    /** Stops the timers and the refresh, writes the cache file, closes the sources. */
    @Override
    public void close() {
        if (resolver == null) {
            return;
        }
        thread.shutdownNow();
        resolver.close();
        sources.close();
    }
}
