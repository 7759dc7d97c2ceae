package org.starttls.policyd.core.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;

/**
 * The operator's local overrides, immutable and indexed: consulted before DANE, MTA-STS and the
 * list, in every door, so an overridden domain is answered at once, without a lookup.
 *
 * <p>A domain takes its exact entry; else the entry of its nearest parent written {@code .parent}
 * ({@code .example.org} covers {@code a.example.org} and {@code a.b.example.org}, not
 * {@code example.org} itself). An entry past its {@code expires} day is as if it were not
 * there, so a parent's entry may apply instead.
 */
public final class Overrides {
    /** No overrides ({@code overrides.file} empty). */
    public static final Overrides NONE = new Overrides(List.of());

    private final List<LocalOverride> entries;
    private final Map<String, LocalOverride> byName;

    /** @throws IllegalArgumentException when two entries have the same name */
    public Overrides(Collection<LocalOverride> entries) {
        this.entries = List.copyOf(entries);
        Map<String, LocalOverride> index = new HashMap<>();
        for (LocalOverride entry : this.entries) {
            if (index.putIfAbsent(entry.name(), entry) != null) {
                throw new IllegalArgumentException("two overrides for " + entry.name());
            }
        }
        this.byName = Map.copyOf(index);
    }

    /** Every entry, in file order (expired ones included). */
    public List<LocalOverride> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The override that applies to a normalised domain at {@code now}, or null. */
    public LocalOverride find(String domain, Instant now) {
        if (byName.isEmpty()) {
            return null;
        }
        LocalOverride exact = byName.get(domain);
        if (exact != null && exact.appliesAt(now)) {
            return exact;
        }
        for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
            LocalOverride parent = byName.get(domain.substring(dot));
            if (parent != null && parent.appliesAt(now)) {
                return parent;
            }
        }
        return null;
    }

    /**
     * The override's decision for a domain as the MTA spells it, or null when no override applies
     * (or the text is not a domain name: the sources decide that as usual).
     */
    public Decision decide(String domainText, Instant now) {
        if (byName.isEmpty()) {
            return null;
        }
        String domain;
        try {
            domain = DomainName.normalize(domainText);
        } catch (InvalidNameException e) {
            return null;
        }
        LocalOverride override = find(domain, now);
        return override == null ? null : Decision.override(domain, override);
    }

    /** The entries that still apply at {@code now} and stop applying within {@code within}. */
    public List<LocalOverride> expiringWithin(Instant now, Duration within) {
        List<LocalOverride> soon = new ArrayList<>();
        for (LocalOverride entry : entries) {
            if (entry.expires() != null && entry.appliesAt(now) && !entry.appliesAt(now.plus(within))) {
                soon.add(entry);
            }
        }
        return soon;
    }

    /** The entries that no longer apply at {@code now}. */
    public List<LocalOverride> expired(Instant now) {
        return entries.stream().filter(entry -> !entry.appliesAt(now)).toList();
    }

    /** Overrides with the same entries decide the same (a reload of an unchanged file changes nothing). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Overrides that && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries);
    }

    @Override
    public String toString() {
        return entries.size() + " overrides";
    }
}
