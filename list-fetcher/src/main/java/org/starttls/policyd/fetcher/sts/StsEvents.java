package org.starttls.policyd.fetcher.sts;

/** What the MTA-STS resolver reports for metrics and logs; every method may be called from any thread. */
public interface StsEvents {
    StsEvents NONE = new StsEvents() {
    };

    /** A request answered from the cache without waiting. */
    default void cacheHit() {
    }

    /** A request that found nothing usable cached. */
    default void cacheMiss() {
    }

    /** A TXT lookup or policy fetch that failed. */
    default void fetchFailed(StsFailure kind) {
    }

    /** A cached policy served although re-checking or refreshing it failed. */
    default void staleServed() {
    }

    /** A TXT {@code id} that differed from the cached policy's. */
    default void idChanged() {
    }

    /** A new policy weaker than the cached one (mode lowered, or MX patterns widened). */
    default void downgradeSeen(String domain, String how) {
    }
}
