package org.starttls.policyd.fetcher.sts;

import java.util.Objects;
import org.starttls.policyd.core.engine.StsBasis;
import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.core.sts.StsRecordRefusal;

/** What MTA-STS says about a domain, as the doors decide with it. */
public sealed interface StsOutcome {

    /** How a known policy was obtained. */
    enum Freshness {
        /** Fetched for this request. */
        FETCHED("fetched now"),
        /** From the cache, its {@code id} re-checked within the recheck interval (or being re-checked). */
        CACHED("cached"),
        /** From the cache, although DNS or HTTPS failed when it was re-checked or refreshed (used until max_age). */
        STALE("cached, served although re-checking it failed");

        private final String how;

        Freshness(String how) {
            this.how = how;
        }

        /** How the policy was had, as a decision's reason says it ({@code StsEvidence.Policy#how}). */
        public String how() {
            return how;
        }
    }

    /**
     * A valid policy in any mode; {@code enforce}, {@code testing} and {@code none} all take
     * precedence over the list.
     *
     * @param basis the policy as the engine decides with it, built once with the outcome (a cache
     *     entry's outcome is served to every request, so its answer text is rendered once too)
     */
    record Known(CachedStsPolicy policy, Freshness freshness, StsBasis basis) implements StsOutcome {
        public Known {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(freshness, "freshness");
            Objects.requireNonNull(basis, "basis");
            if (!basis.policyDomain().equals(policy.domain()) || !basis.id().equals(policy.id())
                    || !basis.policy().equals(policy.policy())) {
                throw new IllegalArgumentException("the basis must be the cached policy's own");
            }
        }

        public Known(CachedStsPolicy policy, Freshness freshness) {
            this(policy, freshness, new StsBasis(policy.domain(), policy.id(), policy.policy()));
        }

        /** This policy as the engine decides with it: its basis, and how it was had in words. */
        public StsEvidence.Policy evidence() {
            return new StsEvidence.Policy(basis, freshness.how());
        }
    }

    /** The domain publishes no usable TXT record (DNS answered): it has no MTA-STS. */
    record NoPolicy(StsRecordRefusal reason, String detail) implements StsOutcome {
        public NoPolicy {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The domain may have MTA-STS, but no policy could be had and none is cached.
     *
     * @param recordSeen whether a valid TXT record was seen (the domain says it has MTA-STS)
     */
    record Unusable(StsFailure kind, String detail, boolean recordSeen) implements StsOutcome {
        public Unusable {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** MTA-STS is switched off ({@code mta-sts.enabled: false}). */
    record Disabled() implements StsOutcome {
    }
}
