package org.starttls.policyd.cli;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.starttls.policyd.fetcher.sts.StsEvents;
import org.starttls.policyd.fetcher.sts.StsResolver;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.sts.StsWaiter;

/**
 * The daemon's MTA-STS resolver, built here for one {@code policyctl lookup}: the same sources and
 * settings as policyd's configuration (or {@code --resolver}), with a cache in memory only (the
 * daemon's cache file is never written by policyctl).
 */
final class LiveSts implements AutoCloseable {
    private final StsNetwork network;
    private final StsResolver resolver;
    private final ScheduledThreadPoolExecutor timers;
    private final StsWaiter waiter;

    private LiveSts(StsNetwork network, StsResolver resolver, ScheduledThreadPoolExecutor timers) {
        this.network = network;
        this.resolver = resolver;
        this.timers = timers;
        this.waiter = new StsWaiter(resolver, timers);
    }

    /** Null when the configuration switches MTA-STS off. */
    static LiveSts open(DaemonSettings settings, String resolverOption, Clock clock) throws ConfigException {
        if (!settings.mtaSts().enabled()) {
            return null;
        }
        DaemonSettings effective = settings;
        if (resolverOption != null) {
            effective = new DaemonSettings(settings.source(), settings.engine(), settings.socketmap(),
                    settings.policyService(), settings.milter(), settings.admin(), settings.transport(), settings.metrics(),
                    settings.probe(), ResolverOption.apply(settings.dns(), resolverOption), settings.mtaSts(),
                    settings.warnings(), settings.dane());
        }
        StsNetwork network = StsNetwork.open(effective);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "policyctl-mta-sts");
            thread.setDaemon(true);
            return thread;
        });
        StsResolver resolver = new StsResolver(network.records(), network.policies(), clock, settings.mtaSts().resolver(),
                StsEvents.NONE, Optional.empty());
        return new LiveSts(network, resolver, timers);
    }

    StsWaiter waiter() {
        return waiter;
    }

    StsResolver resolver() {
        return resolver;
    }

    @Override
    public void close() {
        timers.shutdownNow();
        resolver.close();
        network.close();
    }
}
