package org.starttls.policyd.server.probe;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * Turns probe results into receipt-time decisions: an enforce-mode domain whose MXes show a
 * STARTTLS downgrade ({@link DomainStatus#DOWNGRADE}) is deferred; a testing-mode one is only
 * logged. DANE domains are probed for STARTTLS alone ({@link #decideDane}).
 *
 * <p>Results are kept per domain and policy (a bounded Caffeine map; SECURE results live
 * {@code goodLifetime}, the others {@code badLifetime}, counted from when the probe ran and judged
 * on read against the injected clock), so a domain's result never leaks to
 * another domain with the same MX hosts. A cache miss starts one probe for the domain (concurrent
 * callers share it) on a pool of {@code maxConcurrentProbes} threads with a bounded queue; the
 * caller answers from what is known at once, or waits up to {@code waitBudget} when configured,
 * but never on a Netty event loop thread.
 */
public final class DowngradeDetector implements AutoCloseable {
    /** Probes waiting for a thread beyond this are not started (the domain is probed on a later miss). */
    static final int MAX_QUEUED_PROBES = 1_000;
    /** Domains whose results are kept at most. */
    static final long MAX_CACHED_DOMAINS = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(DowngradeDetector.class);

    /** Probes one domain against its policy, blocking ({@link DomainProber#probe} in production). */
    @FunctionalInterface
    public interface Prober {
        DomainReport probe(String domain, TlsPolicy policy);

        /**
         * Probes every MX of a DANE domain for STARTTLS alone ({@link DomainProber#probeStarttlsOnly});
         * null when this prober does not probe DANE domains.
         */
        default DomainReport probeStarttlsOnly(String domain, PolicyMode mode) {
            return null;
        }
    }

    /** A list or MTA-STS policy's probe ({@code starttlsOnly} null), or a DANE domain's in that mode. */
    private record Key(String domain, TlsPolicy policy, PolicyMode starttlsOnly) {
    }

    private final Prober prober;
    private final AutoCloseable resources;
    private final Duration waitBudget;
    private final ThreadPoolExecutor probes;
    private final Cache<Key, CompletableFuture<DomainReport>> reports;
    private final Clock clock;
    private final Duration goodLifetime;
    private final Duration badLifetime;

    public DowngradeDetector(ProbeSettings settings, Prober prober, Clock clock) {
        this(settings, prober, () -> { }, clock);
    }

    private DowngradeDetector(ProbeSettings settings, Prober prober, AutoCloseable resources, Clock clock) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.resources = resources;
        this.waitBudget = settings.waitBudget();
        AtomicInteger threads = new AtomicInteger();
        this.probes = new ThreadPoolExecutor(settings.maxConcurrentProbes(), settings.maxConcurrentProbes(), 1,
                TimeUnit.MINUTES, new ArrayBlockingQueue<>(MAX_QUEUED_PROBES), runnable -> {
                    Thread thread = new Thread(runnable, "policyd-probe-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        probes.allowCoreThreadTimeOut(true);
        this.clock = clock;
        this.goodLifetime = settings.goodLifetime();
        this.badLifetime = settings.badLifetime();
        // A bounded map of probes; freshness is judged on read against the injected clock (see
        // current()), so lifetimes never depend on when a completion callback happened to run.
        this.reports = Caffeine.newBuilder().maximumSize(MAX_CACHED_DOMAINS).build();
    }

    /**
     * A detector probing for real with the settings' resolver, port and trust store.
     *
     * @throws java.io.IOException when the trust store cannot be read
     */
    public static DowngradeDetector start(ProbeSettings settings, Clock clock) throws java.io.IOException {
        DomainProber prober = DomainProber.create(settings, clock);
        Prober both = new Prober() {
            @Override
            public DomainReport probe(String domain, TlsPolicy policy) {
                return prober.probe(domain, policy);
            }

            @Override
            public DomainReport probeStarttlsOnly(String domain, PolicyMode mode) {
                return prober.probeStarttlsOnly(domain, mode);
            }
        };
        return new DowngradeDetector(settings, both, prober, clock);
    }

    /** {@code list}'s decisions with downgrade knowledge added (the {@code Policyd} receipt layer). */
    public ReceiptDecider layer(ReceiptDecider list) {
        Objects.requireNonNull(list, "list");
        return domain -> decide(list.decideAtReceipt(domain));
    }

    Decision decide(Decision decision) {
        if (decision.source() == DecisionSource.OVERRIDE) {
            return decideOverridden(decision);
        }
        if (decision.source() == DecisionSource.DANE) {
            return decideDane(decision);
        }
        TlsPolicy probedAgainst = probedPolicy(decision);
        if (probedAgainst == null) {
            return decision;
        }
        DomainReport report = reportFor(decision.domain(), probedAgainst);
        if (report == null || report.status() != DomainStatus.DOWNGRADE || decision.verdict() != Verdict.REQUIRE_TLS
                || probedAgainst.mode() != PolicyMode.ENFORCE) {
            return decision;
        }
        return decision.underDowngrade(report.reason());
    }

    /**
     * A {@code secure} local override is probed with its own {@code match} patterns and deferred
     * under a downgrade, as a listed enforced domain; other overrides are not probed.
     */
    private Decision decideOverridden(Decision decision) {
        TlsPolicy pinned = decision.override().asTlsPolicy();
        if (pinned == null || decision.verdict() != Verdict.REQUIRE_TLS) {
            return decision;
        }
        DomainReport report = reportFor(decision.domain(), pinned);
        return report == null || report.status() != DomainStatus.DOWNGRADE ? decision
                : decision.underDowngrade(report.reason());
    }

    /**
     * A DANE domain is probed for STARTTLS alone: its MXes may present certificates only their
     * TLSA records vouch for, which Postfix verifies at delivery. A stripped STARTTLS defers a
     * {@code dane-only} domain (every MX has usable TLSA, so delivery would refuse plaintext
     * anyway); a {@code dane} domain (some MXes without TLSA) is logged only, since delivery may
     * legitimately go in the clear to an MX without TLSA.
     */
    private Decision decideDane(Decision decision) {
        if (decision.verdict() != Verdict.DANE_ONLY && decision.verdict() != Verdict.DANE) {
            return decision;
        }
        boolean enforced = decision.verdict() == Verdict.DANE_ONLY;
        DomainReport report = starttlsReportFor(decision.domain(), enforced ? PolicyMode.ENFORCE : PolicyMode.TESTING);
        return enforced && report != null && report.status() == DomainStatus.DOWNGRADE
                ? decision.underDowngrade(report.reason()) : decision;
    }

    /**
     * The policy whose MX patterns the probe checks, or null when the decision is not probed:
     * <ul>
     *   <li>the list's: enforced domains, and testing-mode ones (to log what enforcing them would
     *       do); not a listed domain that an expired list no longer enforces;
     *   <li>the domain's MTA-STS policy when it requires TLS ({@code enforce}; {@code testing}
     *       under the early-adopter setting, logged only, as a testing-mode list entry is), its
     *       patterns as Postfix's {@code match=} applies them at delivery.
     * </ul>
     * DANE decisions are probed otherwise ({@link #decideDane}).
     */
    private static TlsPolicy probedPolicy(Decision decision) {
        if (decision.source() == DecisionSource.LIST) {
            return decision.listed() && (decision.verdict() == Verdict.REQUIRE_TLS
                    || decision.verdict() == Verdict.NO_POLICY && decision.mode() == PolicyMode.TESTING)
                    ? decision.policy() : null;
        }
        if (decision.source() == DecisionSource.MTA_STS && decision.verdict() == Verdict.REQUIRE_TLS) {
            return StsProbePolicy.of(decision.sts());
        }
        return null;
    }

    /**
     * The report for the domain when it is known now or within the wait budget; otherwise null,
     * and a probe is under way (or the probe queue is full).
     */
    public DomainReport reportFor(String domain, TlsPolicy policy) {
        return reportFor(new Key(domain, Objects.requireNonNull(policy, "policy"), null));
    }

    /** A DANE domain's STARTTLS-only report, as {@link #reportFor(String, TlsPolicy)}. */
    DomainReport starttlsReportFor(String domain, PolicyMode mode) {
        return reportFor(new Key(domain, null, mode));
    }

    private DomainReport reportFor(Key key) {
        String domain = key.domain();
        CompletableFuture<DomainReport> future;
        try {
            future = reports.asMap().compute(key,
                    (k, existing) -> existing == null || stale(existing) ? start(k) : existing);
        } catch (RejectedExecutionException e) {
            LOG.warn("probe: not probing {} now: {} probes are already waiting", domain, MAX_QUEUED_PROBES);
            return null;
        }
        if (!future.isDone() && (waitBudget.isZero() || Thread.currentThread() instanceof FastThreadLocalThread)) {
            return null; // never block an event loop, whatever the configuration says
        }
        try {
            return future.isDone() ? future.getNow(null) : future.get(waitBudget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.debug("probe: {} not done within {}; answering from the list", domain, org.starttls.policyd.core.HumanDuration.format(waitBudget));
            return null;
        } catch (ExecutionException | java.util.concurrent.CompletionException e) {
            return null; // logged where it failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Whether a finished probe should be replaced: it failed (nothing was concluded, so the next
     * caller tries again), or its result is older than its lifetime (good results live
     * {@code goodLifetime}, the others {@code badLifetime}), counted from when the probe ran.
     */
    private boolean stale(CompletableFuture<DomainReport> probe) {
        if (!probe.isDone()) {
            return false;
        }
        if (probe.isCompletedExceptionally()) {
            return true;
        }
        DomainReport report = probe.getNow(null);
        if (report == null) {
            return true; // this prober does not probe DANE domains: nothing to keep
        }
        Duration lifetime = report.status() == DomainStatus.SECURE ? goodLifetime : badLifetime;
        return !clock.instant().isBefore(report.probedAt().plus(lifetime));
    }

    private CompletableFuture<DomainReport> start(Key key) {
        return CompletableFuture.supplyAsync(() -> probeAndLog(key), probes);
    }

    private DomainReport probeAndLog(Key key) {
        DomainReport report;
        try {
            report = key.starttlsOnly() == null ? prober.probe(key.domain(), key.policy())
                    : prober.probeStarttlsOnly(key.domain(), key.starttlsOnly());
        } catch (RuntimeException e) {
            LOG.error("probe: probing {} failed; nothing is concluded", key.domain(), e);
            throw e;
        }
        if (report == null) {
            return null;
        }
        PolicyMode mode = key.starttlsOnly() == null ? key.policy().mode() : key.starttlsOnly();
        String named = key.starttlsOnly() == null ? mode.wireName() + " mode"
                : mode == PolicyMode.ENFORCE ? "dane-only" : "dane";
        if (report.status() == DomainStatus.DOWNGRADE) {
            LOG.warn("probe: {} ({}): {}{}", key.domain(), named, report.reason(),
                    mode == PolicyMode.ENFORCE ? "; deferring its mail at receipt"
                            : key.starttlsOnly() == null ? "; testing mode, so logged only, not deferred"
                            : "; some MXes have no usable TLSA, so logged only, not deferred");
        } else {
            LOG.info("probe: {}: {}: {}", key.domain(), report.status(), report.reason());
        }
        for (MxReport mx : report.mxs()) {
            LOG.debug("probe: {}: {}", key.domain(), mx.summary());
        }
        return report;
    }

    @Override
    public void close() {
        probes.shutdownNow();
        try {
            resources.close();
        } catch (Exception e) {
            LOG.debug("probe: closing the prober: {}", e.toString());
        }
    }
}
