package org.starttls.policyd.fetcher.sts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the MTA-STS cache knows about one domain, for an operator ({@code policyctl lookup}).
 *
 * @param policy the cached policy, if one is usable now
 * @param refreshAt when the cached policy becomes due for a proactive refresh (if it is used)
 * @param staleBecause why the last re-check or refresh of the cached policy failed; the policy is
 *     served {@code STALE} until a check succeeds or it expires
 * @param remembered the answer given without asking the network: the last failure
 *     ({@code Unusable}) or DNS's "no record" ({@code NoPolicy})
 * @param nextTryAt when the network will be asked again about the domain, if it is being left alone
 * @param resolving whether a TXT lookup or policy fetch for the domain is under way
 */
public record StsCacheState(Optional<CachedStsPolicy> policy, Optional<Instant> refreshAt,
        Optional<String> staleBecause, Optional<StsOutcome> remembered, Optional<Instant> nextTryAt,
        boolean resolving) {
    public StsCacheState {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(refreshAt, "refreshAt");
        Objects.requireNonNull(staleBecause, "staleBecause");
        Objects.requireNonNull(remembered, "remembered");
        Objects.requireNonNull(nextTryAt, "nextTryAt");
    }
}
