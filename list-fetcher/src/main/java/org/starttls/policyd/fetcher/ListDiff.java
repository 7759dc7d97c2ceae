package org.starttls.policyd.fetcher;

import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * Which domains a new list adds, removes, or gives a different policy (mode or MX patterns), for
 * the operator to read after an update. Sorted, so output is stable.
 */
public record ListDiff(SortedSet<String> added, SortedSet<String> removed, SortedSet<String> changed) {
    public ListDiff {
        added = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(added));
        removed = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(removed));
        changed = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(changed));
    }

    /** From {@code before} (null: nothing installed) to {@code after}. */
    public static ListDiff between(PreloadList before, PreloadList after) {
        Objects.requireNonNull(after, "after");
        Map<String, TlsPolicy> old = before == null ? Map.of() : before.policies();
        SortedSet<String> added = new TreeSet<>();
        SortedSet<String> changed = new TreeSet<>();
        for (Map.Entry<String, TlsPolicy> entry : after.policies().entrySet()) {
            TlsPolicy previous = old.get(entry.getKey());
            if (previous == null) {
                added.add(entry.getKey());
            } else if (!samePolicy(previous, entry.getValue())) {
                changed.add(entry.getKey());
            }
        }
        SortedSet<String> removed = new TreeSet<>(old.keySet());
        removed.removeAll(after.policies().keySet());
        return new ListDiff(added, removed, changed);
    }

    /** What the MTA is told: mode and patterns. Moving a domain to or from an alias alone is no change. */
    private static boolean samePolicy(TlsPolicy a, TlsPolicy b) {
        return a.mode() == b.mode() && a.mxs().equals(b.mxs());
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    /** "3 added, 1 removed, 2 changed". */
    public String summary() {
        return added.size() + " added, " + removed.size() + " removed, " + changed.size() + " changed";
    }
}
