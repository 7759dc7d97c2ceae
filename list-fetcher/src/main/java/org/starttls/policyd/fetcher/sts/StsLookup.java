package org.starttls.policyd.fetcher.sts;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.engine.StsEvidence;

/** What the doors ask about MTA-STS. Implementations never block the caller. */
public interface StsLookup {

    /** MTA-STS switched off: every domain is {@link StsOutcome.Disabled}. */
    StsLookup DISABLED = new StsLookup() {
        private final StsResolution disabled = new StsResolution() {
            private final CompletableFuture<StsOutcome> outcome = CompletableFuture.completedFuture(new StsOutcome.Disabled());

            @Override
            public CompletableFuture<StsOutcome> outcome() {
                return outcome;
            }

            @Override
            public boolean recordSeen() {
                return false;
            }
        };

        @Override
        public StsResolution resolve(String domain) {
            return disabled;
        }

        @Override
        public Optional<CachedStsPolicy> cached(String domain) {
            return Optional.empty();
        }
    };

    /** Starts, joins (one resolution per domain at a time) or answers from the cache. */
    StsResolution resolve(String domain);

    /**
     * The doors' short way to a cached policy: what {@link #resolve} would answer for a normalised
     * domain whose policy is cached and usable, with the same effects (counted as a hit, a due
     * re-check started), as the engine's evidence; null when {@link #resolve} must be asked.
     */
    default StsEvidence.Policy knownNow(String domain) {
        return null;
    }

    /** What the cache holds for a normalised domain, without starting anything. */
    Optional<CachedStsPolicy> cached(String domain);
}
