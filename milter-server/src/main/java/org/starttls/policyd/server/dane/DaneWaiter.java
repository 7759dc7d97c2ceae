package org.starttls.policyd.server.dane;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.fetcher.dane.DaneResolver;

/**
 * Asks {@link DaneLookup} (in the daemon, the {@link DaneResolver}) about a domain and waits no
 * longer than a map's budget: a cached answer at once, a lookup still running past the budget is
 * {@code TEMP} (the MTA retries; by then the answer is cached), never "no DANE". Never blocks; the
 * timer runs on {@code timers}.
 */
public final class DaneWaiter {
    private final DaneLookup lookup;
    private final ScheduledExecutorService timers;

    public DaneWaiter(DaneResolver resolver, ScheduledExecutorService timers) {
        this(DaneLookup.of(resolver), timers);
    }

    public DaneWaiter(DaneLookup lookup, ScheduledExecutorService timers) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.timers = Objects.requireNonNull(timers, "timers");
    }

    /** Whether DANE can decide anything now (the resolver validates, or may); false: every verdict is "no DANE". */
    public boolean applies() {
        return lookup.applies();
    }

    /** The verdict for a normalised domain when known now without work (cached, fresh), else null: ask {@link #verdict}. */
    public DaneVerdict knownNow(String domain) {
        return lookup.knownNow(domain);
    }

    /** The verdicts themselves, for callers that never wait (the receipt-time doors). */
    public DaneLookup lookup() {
        return lookup;
    }

    /** DANE's verdict for a normalised domain within {@code budget}; never completes exceptionally. */
    public CompletionStage<DaneVerdict> verdict(String domain, Duration budget) {
        CompletableFuture<DaneVerdict> answer = lookup.verdict(domain);
        if (answer.isDone()) {
            // A cached verdict: the lookup's own completed future, no copy per request.
            return answer.isCompletedExceptionally() ? CompletableFuture.completedFuture(broken()) : answer;
        }
        CompletableFuture<DaneVerdict> result = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        try {
            timer = timers.schedule(() -> result.complete(stillRunning(domain, budget)), budget.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(stillRunning(domain, Duration.ZERO));
        }
        answer.whenComplete((value, error) -> {
            timer.cancel(false);
            result.complete(error == null ? value : broken());
        });
        return result;
    }

    /** The resolver's futures complete normally by contract; should one not, the safe answer is TEMP. */
    private static DaneVerdict broken() {
        return new DaneVerdict(DaneVerdict.Kind.TEMP, "internal error in the DANE resolver");
    }

    private static DaneVerdict stillRunning(String domain, Duration waited) {
        return new DaneVerdict(DaneVerdict.Kind.TEMP, "the DANE lookups of " + domain + " were still running after "
                + waited.toMillis() + " ms");
    }
}
