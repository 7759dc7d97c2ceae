package org.starttls.policyd.fetcher.sts;

import java.util.concurrent.CompletableFuture;

/**
 * One domain's resolution in progress, or already complete (a cached answer is complete at once).
 * A door waits for {@link #outcome()} up to its budget; past the budget {@link #recordSeen()} says
 * whether the domain's TXT record already promised a policy (answer {@code TEMP}) or not.
 */
public interface StsResolution {
    /** Completes normally, never exceptionally. */
    CompletableFuture<StsOutcome> outcome();

    /** Whether a valid {@code _mta-sts} TXT record has been seen for this resolution so far. */
    boolean recordSeen();
}
