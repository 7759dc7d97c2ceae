package org.starttls.policyd.core.sts;

import java.util.ArrayList;
import java.util.List;

/**
 * The warnings of one parse, bounded: a 64 KiB file of bad lines must not become thousands of
 * log lines. Past {@link #MAX_WARNINGS}, only a count is kept.
 */
final class Warnings {
    static final int MAX_WARNINGS = 20;

    private final List<String> kept = new ArrayList<>();
    private int dropped;

    void add(String warning) {
        if (kept.size() < MAX_WARNINGS) {
            kept.add(warning);
        } else {
            dropped++;
        }
    }

    List<String> list() {
        if (dropped == 0) {
            return List.copyOf(kept);
        }
        List<String> all = new ArrayList<>(kept);
        all.add(dropped + " more warning" + (dropped == 1 ? "" : "s") + " not shown");
        return List.copyOf(all);
    }
}
