package org.starttls.policyd.server.daemon;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.fetcher.dane.DaneEvents;
import org.starttls.policyd.fetcher.dane.DaneEvidenceCollector;
import org.starttls.policyd.fetcher.dane.DaneResolver;
import org.starttls.policyd.fetcher.dane.DnssecLookups;
import org.starttls.policyd.fetcher.dane.ValidationCheck;
import org.starttls.policyd.fetcher.dane.ValidationStatus;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.metrics.Health;
import org.xbill.DNS.ResolverConfig;

/**
 * DANE in the daemon, built once at start and kept across reloads (its cache is the point): the
 * DNSSEC lookups at {@code dns.resolver} (without one, the first server of
 * {@code /etc/resolv.conf}), the {@link DaneResolver} and one thread ({@code policyd-dane}) for the
 * doors' wait timers. The validation check runs at start (waiting for it, at most the DNS timeout,
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
        InetSocketAddress address = settings.dns().resolver() != null ? settings.dns().resolver() : systemResolver();
        DnssecLookups lookups = new DnssecLookups(address, settings.dns().timeout());
        DaneResolver resolver = new DaneResolver(new DaneEvidenceCollector(lookups),
                new ValidationCheck(lookups, settings.dane().validationCheck()), clock, events);
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "policyd-dane");
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        DaneService service = new DaneService(resolver, thread);
        LOG.info("DANE on: AD bits from {} are {}", lookups.resolverName(), lookups.trustsAd()
                ? "trusted (a loopback address)" : "NOT trusted (not a loopback address): DANE answers nothing");
        service.check("start").join();
        return service;
    }

    private static InetSocketAddress systemResolver() throws ConfigException {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        if (servers.isEmpty()) {
            throw new ConfigException("dane.enabled: no dns.resolver and no server in /etc/resolv.conf to ask");
        }
        return servers.get(0);
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

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
