package org.starttls.policyd.server.sts;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.fetcher.sts.StsLookup;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.fetcher.sts.StsResolution;

/**
 * Asks {@link StsLookup} about a domain and waits for the answer no longer than a budget: the
 * first-contact wait. A resolution that is already complete (a cached policy) is answered at
 * once; one still running is answered when it completes or, at the end of the budget, with
 * {@link StsEvidence.Pending} (saying whether the domain's TXT record was already seen).
 *
 * <p>{@link #evidence} never blocks: its timer runs on {@code timers} (in the daemon, the one
 * thread {@code policyd-mta-sts}). The receipt-time doors do not wait at all: they take what
 * {@link #lookup()} knows now ({@code server.receipt.KnownSources}).
 */
public final class StsWaiter {
    private static final Logger LOG = LoggerFactory.getLogger(StsWaiter.class);

    private final StsLookup lookup;
    private final ScheduledExecutorService timers;

    public StsWaiter(StsLookup lookup, ScheduledExecutorService timers) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.timers = Objects.requireNonNull(timers, "timers");
    }

    public StsLookup lookup() {
        return lookup;
    }

    /**
     * What MTA-STS says about a normalised domain, within {@code budget}; a complete stage when the
     * answer is known now. Never completes exceptionally.
     */
    public CompletionStage<StsEvidence> evidence(String domain, Duration budget) {
        StsEvidence.Policy cached = lookup.knownNow(domain);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        StsResolution resolution = lookup.resolve(domain);
        CompletableFuture<StsOutcome> outcome = resolution.outcome();
        if (outcome.isDone()) {
            return CompletableFuture.completedFuture(now(outcome));
        }
        CompletableFuture<StsEvidence> result = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        try {
            timer = timers.schedule(() -> result.complete(pending(resolution, budget)), budget.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: answer from what is known now rather than never.
            return CompletableFuture.completedFuture(pending(resolution, Duration.ZERO));
        }
        outcome.whenComplete((value, error) -> {
            timer.cancel(false);
            result.complete(error == null ? StsEvidenceOf.outcome(value) : broken(error));
        });
        return result;
    }

    private static StsEvidence now(CompletableFuture<StsOutcome> done) {
        try {
            return StsEvidenceOf.outcome(done.join());
        } catch (RuntimeException e) {
            return broken(e);
        }
    }

    private static StsEvidence pending(StsResolution resolution, Duration waited) {
        boolean seen = resolution.recordSeen();
        return new StsEvidence.Pending((seen ? "policy fetch" : "TXT lookup") + " still running after "
                + waited.toMillis() + " ms", seen);
    }

    /**
     * The resolver's futures complete normally by contract; a failure is logged and answered as a
     * promised policy that cannot be had now (the list answers a listed domain, others get a
     * tempfail): an internal error never becomes "no policy".
     */
    private static StsEvidence broken(Throwable error) {
        LOG.warn("MTA-STS resolution failed unexpectedly", error);
        return new StsEvidence.Pending("internal error in the MTA-STS resolver", true);
    }
}
