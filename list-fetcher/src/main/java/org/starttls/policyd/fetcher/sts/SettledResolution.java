package org.starttls.policyd.fetcher.sts;

import java.util.concurrent.CompletableFuture;

/** A resolution that is complete from the start: a cached policy, a remembered failure or "no record". */
final class SettledResolution implements StsResolution {
    private final CompletableFuture<StsOutcome> outcome;
    private final boolean recordSeen;

    SettledResolution(StsOutcome outcome, boolean recordSeen) {
        this.outcome = CompletableFuture.completedFuture(outcome);
        this.recordSeen = recordSeen;
    }

    @Override
    public CompletableFuture<StsOutcome> outcome() {
        return outcome;
    }

    @Override
    public boolean recordSeen() {
        return recordSeen;
    }

    @Override
    public String toString() {
        return "settled " + outcome.join();
    }
}
