package org.starttls.policyd.cli;

import java.time.Clock;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.starttls.policyd.fetcher.dane.DaneEvidenceCollector;
import org.starttls.policyd.fetcher.dane.DaneResolver;
import org.starttls.policyd.fetcher.dane.ValidationCheck;
import org.starttls.policyd.fetcher.dane.ValidationStatus;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.dane.DaneWaiter;

/**
 * The daemon's DANE resolver, built here for one {@code policyctl lookup}: the same DNS client
 * settings ({@code dns.*}, or {@code --resolver}) and {@code dane.validation-check} as policyd's
 * configuration, the validation check run first as policyd runs it at start, and a cache in memory
 * only (the daemon's cache file is never written by policyctl).
 */
final class LiveDane implements AutoCloseable {
    private final DaneResolver resolver;
    private final ScheduledThreadPoolExecutor timers;
    private final DaneWaiter waiter;
    private final ValidationStatus validation;

    private LiveDane(DaneResolver resolver, ScheduledThreadPoolExecutor timers, ValidationStatus validation) {
        this.resolver = resolver;
        this.timers = timers;
        this.waiter = new DaneWaiter(resolver, timers);
        this.validation = validation;
    }

    /** Null when the configuration switches DANE off. */
    static LiveDane open(DaemonSettings settings, String resolverOption, Clock clock) throws ConfigException {
        if (!settings.dane().enabled()) {
            return null;
        }
        DnsClient dns = new DnsClient(ResolverOption.apply(settings.dns(), resolverOption));
        DaneResolver resolver = new DaneResolver(new DaneEvidenceCollector(dns),
                new ValidationCheck(dns, settings.dane().validationCheck()), clock);
        // Bounded by the DNS timeout: the check is one lookup.
        ValidationStatus validation = resolver.recheck().join();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "policyctl-dane");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        return new LiveDane(resolver, timers, validation);
    }

    DaneWaiter waiter() {
        return waiter;
    }

    DaneResolver resolver() {
        return resolver;
    }

    /** What the validation check found before the first lookup. */
    ValidationStatus validation() {
        return validation;
    }

    @Override
    public void close() {
        timers.shutdownNow();
        resolver.close();
    }
}
