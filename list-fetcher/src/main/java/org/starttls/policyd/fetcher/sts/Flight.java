package org.starttls.policyd.fetcher.sts;

import java.util.concurrent.CompletableFuture;

/**
 * One domain's resolution on the network (TXT lookup, then maybe the policy fetch), shared by every
 * request that arrives while it runs.
 */
final class Flight implements StsResolution {
    private final CompletableFuture<StsOutcome> outcome = new CompletableFuture<>();
    /** A proactive refresh fetches the policy even when the TXT {@code id} is unchanged. */
    private final boolean refresh;
    private volatile boolean recordSeen;

    Flight(boolean refresh) {
        this.refresh = refresh;
    }

    boolean refresh() {
        return refresh;
    }

    void recordSeen(boolean seen) {
        recordSeen = seen;
    }

    void complete(StsOutcome result) {
        outcome.complete(result);
    }

    @Override
    public CompletableFuture<StsOutcome> outcome() {
        return outcome;
    }

    @Override
    public boolean recordSeen() {
        return recordSeen;
    }
}
