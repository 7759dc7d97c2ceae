package org.starttls.policyd.fetcher.sts;

import java.time.Instant;
import java.util.Objects;
import org.starttls.policyd.core.sts.StsPolicy;

/**
 * A domain's policy as the cache holds it.
 *
 * @param domain the normalised ASCII domain
 * @param id the TXT record's {@code id} the policy was fetched under
 * @param policy the valid policy
 * @param fetchedAt when the policy file was fetched; it may be used until {@code fetchedAt + max_age}
 * @param checkedAt when the TXT {@code id} was last seen unchanged (the fetch counts as a check)
 */
public record CachedStsPolicy(String domain, String id, StsPolicy policy, Instant fetchedAt, Instant checkedAt) {
    public CachedStsPolicy {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** RFC 8461 section 3.2: the policy may be used until this instant. */
    public Instant expiresAt() {
        return fetchedAt.plus(policy.maxAge());
    }

    public boolean usableAt(Instant now) {
        return now.isBefore(expiresAt());
    }
}
