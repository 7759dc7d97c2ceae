package org.starttls.policyd.server.daemon;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.fetcher.dane.DaneEvents;
import org.starttls.policyd.fetcher.dane.DaneEvidenceCollector;
import org.starttls.policyd.fetcher.dane.DaneResolver;
import org.starttls.policyd.fetcher.dane.ValidationCheck;
import org.starttls.policyd.fetcher.dane.ValidationStatus;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.metrics.Health;
import org.xbill.DNS.ResolverConfig;

/**
 * DANE in the daemon, built once at start and kept across reloads (its cache is the point): the
 * DNSSEC lookups of the one DNS client at {@code dns.resolver} (without one, the servers of
 * {@code /etc/resolv.conf}, whose AD bits are trusted only when every one is on a loopback address), the {@link DaneResolver} with its cache file in the state directory
 * (written on a thread of its own, {@code dane-cache-writer}), and one thread ({@code policyd-dane})
 * for the doors' wait timers. The validation check runs at start (waiting for it, at most the DNS timeout,
 * so the first answers already know whether the resolver validates) and on every reload. With
 * {@code dane.enabled: false} nothing is started and DANE is not consulted.
 */
final class DaneService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DaneService.class);

    private final DaneResolver resolver;
    private final ScheduledThreadPoolExecutor thread;
    private final DaneWaiter waiter;

    private DaneService(DaneResolver resolver, ScheduledThreadPoolExecutor thread) {
        this.resolver = resolver;
        this.thread = thread;
        this.waiter = resolver == null ? null : new DaneWaiter(resolver, thread);
    }

    static DaneService start(DaemonSettings settings, Clock clock, DaneEvents events) throws ConfigException {
        if (!settings.dane().enabled()) {
            LOG.info("DANE off (dane.enabled: false)");
            return new DaneService(null, null);
        }
        if (settings.dns().resolver() == null && ResolverConfig.getCurrentConfig().servers().isEmpty()) {
            throw new ConfigException("dane.enabled: no dns.resolver and no server in /etc/resolv.conf to ask");
        }
        DnsClient lookups = new DnsClient(settings.dns());
        Path cacheFile = settings.source().stateDir().resolve(DaneResolver.CACHE_FILE_NAME);
        DaneResolver resolver = new DaneResolver(new DaneEvidenceCollector(lookups),
                new ValidationCheck(lookups, settings.dane().validationCheck()), clock, events,
                Optional.of(cacheFile));
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "policyd-dane");
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        DaneService service = new DaneService(resolver, thread);
        LOG.info("DANE on: AD bits from {} are {}; {} answers cached", lookups.resolverName(), lookups.trustsAd()
                ? "trusted (a loopback address)" : "NOT trusted (not a loopback address): DANE answers nothing",
                resolver.size());
        service.check("start").join();
        return service;
    }

    /** Runs the validation check; a resolver that does not validate is a warning in the log, saying how to get DANE. */
    java.util.concurrent.CompletableFuture<ValidationStatus> check(String when) {
        if (resolver == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    new ValidationStatus(false, "DANE is off"));
        }
        return resolver.recheck().orTimeout(60, TimeUnit.SECONDS).handle((status, error) -> {
            if (error != null) {
                LOG.error("DANE validation check at {} failed: {}", when, error.toString());
                return new ValidationStatus(false, "the validation check failed: " + error);
            }
            if (status.validates()) {
                LOG.info("DANE validation check at {}: {}", when, status.detail());
            } else {
                // No less safe than DANE off (answers fall through to MTA-STS and the list), so a
                // warning, not an error: on a fresh install without a local validating resolver this
                // is the expected state, and it tells the operator how to get DANE.
                LOG.warn("{} (validation check at {}; no domain gets dane or dane-only until it passes: fix the"
                        + " resolver, then reload)", Health.daneWarning(status.detail()), when);
            }
            return status;
        });
    }

    /** The doors' waiting view of the resolver, or null when DANE is off. */
    DaneWaiter waiter() {
        return waiter;
    }

    /** The resolver, or null when DANE is off. */
    DaneResolver resolver() {
        return resolver;
    }

    /** Stops the timers and writes the cache file. */
    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
        if (resolver != null) {
            resolver.close();
        }
    }
}
