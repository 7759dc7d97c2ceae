package org.starttls.policyd.core.list;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    /** {@link #expires} in epoch milliseconds, rounded up (so a list is never expired early): a door checks it on every lookup. */
    private final long expiresMillis;
    private final String author;
    private final Map<String, TlsPolicy> aliases;
    private final List<TlsPolicy> aliasesById;
    private final PolicyIndex index;
    private final Map<PolicyMode, Integer> countsByMode;
    private final int viaAlias;
    /**
     * Policies decoded so far, by index slot. MTAs ask about the same destinations again and again,
     * so a domain is decoded on its first lookup only; domains never asked about cost one empty
     * slot (4 bytes). Filled without locks: a slot holds null or an immutable policy, and two
     * threads decoding the same entry at once store equal values.
     */
    private final TlsPolicy[] decoded;

    /**
     * @param aliasesById the alias policies by the numbers the index refers to them with
     * @param index the domains, taken as is: the parser hands over an index it no longer touches
     */
    PreloadList(String version, Instant timestamp, Instant expires, String author, Map<String, TlsPolicy> aliases,
            List<TlsPolicy> aliasesById, PolicyIndex index, Map<PolicyMode, Integer> countsByMode, int viaAlias) {
        this.version = Objects.requireNonNull(version);
        this.timestamp = Objects.requireNonNull(timestamp);
        this.expires = Objects.requireNonNull(expires);
        this.expiresMillis = epochMillisRoundedUp(expires);
        this.author = author;
        this.aliases = Collections.unmodifiableMap(aliases);
        this.aliasesById = List.copyOf(aliasesById);
        this.index = index;
        this.countsByMode = Collections.unmodifiableMap(new EnumMap<>(countsByMode));
        this.viaAlias = viaAlias;
        this.decoded = new TlsPolicy[index.capacity()];
    }

    /** The policy for an already normalised name (see {@link DomainName#normalize}), or null. */
    public TlsPolicy lookup(String normalizedDomain) {
        int slot = slotOf(normalizedDomain);
        return slot < 0 ? null : policyAt(slot);
    }

    /**
     * Where the list keeps an already normalised name's entry, from 0 to {@link #slots()} - 1, or -1
     * when the name is not listed: for a reader that keeps something of its own per listed domain
     * ({@link #lookup} is {@link #policyAt} of this slot).
     */
    public int slotOf(String normalizedDomain) {
        return index.slotOf(normalizedDomain);
    }

    /**
     * {@link #slotOf(String)} for a name in normal form given as the {@code length} ASCII bytes at
     * {@code offset} of {@code name}: a door that has the request's bytes looks up without making a
     * string.
     */
    public int slotOf(byte[] name, int offset, int length) {
        return index.slotOf(name, offset, length);
    }

    /** The normalised name of the entry at {@code slot}, a slot {@link #slotOf} gave for this list. */
    public String nameAt(int slot) {
        return PolicyIndex.name(entryAt(slot));
    }

    /** The policy of the entry at {@code slot}, a slot {@link #slotOf} gave for this list. */
    public TlsPolicy policyAt(int slot) {
        TlsPolicy policy = decoded[slot];
        if (policy == null) {
            policy = decode(entryAt(slot));
            decoded[slot] = policy;
        }
        return policy;
    }

    private byte[] entryAt(int slot) {
        byte[] entry = index.entryAt(slot);
        if (entry == null) {
            throw new IllegalArgumentException("slot " + slot + " holds no entry");
        }
        return entry;
    }

    public TlsPolicy lookup(DomainName domain) {
        return lookup(domain.asString());
    }

    private TlsPolicy decode(byte[] entry) {
        byte tag = PolicyIndex.tag(entry);
        if (tag == PolicyIndex.ALIAS) {
            return aliasesById.get(PolicyIndex.aliasId(entry));
        }
        return TlsPolicy.trusted(tag == PolicyIndex.ENFORCE ? PolicyMode.ENFORCE : PolicyMode.TESTING,
                PolicyIndex.patterns(entry));
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

    /**
     * As {@link #isExpiredAt(Instant)}, for a clock's {@code millis()}: no {@code Instant} per
     * lookup. Within the millisecond {@code expires} falls in it still says not expired.
     */
    public boolean isExpiredAtMillis(long nowMillis) {
        return nowMillis >= expiresMillis;
    }

    private static long epochMillisRoundedUp(Instant instant) {
        try {
            long millis = instant.toEpochMilli();
            return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
        } catch (ArithmeticException beyondMillis) {
            return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    public int size() {
        return index.size();
    }

    /** The number of slots ({@link #slotOf} is below it): more than {@link #size()}, the index has room. */
    public int slots() {
        return decoded.length;
    }

    public int count(PolicyMode mode) {
        return countsByMode.get(mode);
    }

    /** How many domains took their policy from a policy-alias. */
    public int countViaAlias() {
        return viaAlias;
    }

    public Map<String, TlsPolicy> aliases() {
        return aliases;
    }

    /**
     * Every policy by domain, unordered, as a read-only view that decodes entries as they are
     * visited; use {@link #sortedPolicies()} for stable output.
     */
    public Map<String, TlsPolicy> policies() {
        return new PolicyView();
    }

    public SortedMap<String, TlsPolicy> sortedPolicies() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(policies()));
    }

    /** The index seen as a map, without copying it. */
    private final class PolicyView extends AbstractMap<String, TlsPolicy> {
        @Override
        public TlsPolicy get(Object key) {
            return key instanceof String ? lookup((String) key) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String && index.get((String) key) != null;
        }

        @Override
        public int size() {
            return index.size();
        }

        @Override
        public Set<Entry<String, TlsPolicy>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, TlsPolicy>> iterator() {
                    List<Entry<String, TlsPolicy>> entries = new ArrayList<>(index.size());
                    index.forEach((name, entry) -> entries.add(Map.entry(name, decode(entry))));
                    return Collections.unmodifiableList(entries).iterator();
                }

                @Override
                public int size() {
                    return index.size();
                }
            };
        }
    }
}
