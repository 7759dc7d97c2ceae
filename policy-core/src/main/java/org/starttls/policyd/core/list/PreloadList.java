package org.starttls.policyd.core.list;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A parsed and validated preload list: immutable, with policies indexed by normalised domain name
 * (aliases already resolved). Whether its signature was checked is recorded by
 * {@link org.starttls.policyd.core.VerifiedList}, not here.
 */
public final class PreloadList {
    private final String version;
    private final Instant timestamp;
    private final Instant expires;
    private final String author;
    private final Map<String, TlsPolicy> aliases;
    private final Map<String, TlsPolicy> policies;
    private final Map<PolicyMode, Integer> countsByMode;

    /** {@code policies} is taken as is (not copied): the parser hands over a map it no longer touches. */
    PreloadList(String version, Instant timestamp, Instant expires, String author,
            Map<String, TlsPolicy> aliases, Map<String, TlsPolicy> policies) {
        this.version = Objects.requireNonNull(version);
        this.timestamp = Objects.requireNonNull(timestamp);
        this.expires = Objects.requireNonNull(expires);
        this.author = author;
        this.aliases = Collections.unmodifiableMap(aliases);
        this.policies = Collections.unmodifiableMap(policies);
        this.countsByMode = countModes(policies);
    }

    private static Map<PolicyMode, Integer> countModes(Map<String, TlsPolicy> policies) {
        Map<PolicyMode, Integer> counts = new EnumMap<>(PolicyMode.class);
        for (PolicyMode mode : PolicyMode.values()) {
            counts.put(mode, 0);
        }
        for (TlsPolicy policy : policies.values()) {
            counts.merge(policy.mode(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    /** The policy for an already normalised name (see {@link DomainName#normalize}), or null. */
    public TlsPolicy lookup(String normalizedDomain) {
        return policies.get(normalizedDomain);
    }

    public TlsPolicy lookup(DomainName domain) {
        return policies.get(domain.asString());
    }

    public String version() {
        return version;
    }

    public Instant timestamp() {
        return timestamp;
    }

    public Instant expires() {
        return expires;
    }

    /** The {@code author} field, or null. */
    public String author() {
        return author;
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expires);
    }

    public int size() {
        return policies.size();
    }

    public int count(PolicyMode mode) {
        return countsByMode.get(mode);
    }

    /** How many domains took their policy from a policy-alias. */
    public int countViaAlias() {
        int count = 0;
        for (TlsPolicy policy : policies.values()) {
            if (policy.aliasName() != null) {
                count++;
            }
        }
        return count;
    }

    public Map<String, TlsPolicy> aliases() {
        return aliases;
    }

    /** Every policy by domain, unordered; use {@link #sortedPolicies()} for stable output. */
    public Map<String, TlsPolicy> policies() {
        return policies;
    }

    public SortedMap<String, TlsPolicy> sortedPolicies() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(policies));
    }
}
