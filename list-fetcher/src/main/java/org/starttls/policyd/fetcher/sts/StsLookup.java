package org.starttls.policyd.fetcher.sts;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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

    /** What the cache holds for a normalised domain, without starting anything. */
    Optional<CachedStsPolicy> cached(String domain);
}
