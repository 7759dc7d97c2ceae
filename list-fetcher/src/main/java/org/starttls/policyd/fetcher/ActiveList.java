package org.starttls.policyd.fetcher;

import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.RollbackGuard;
import org.starttls.policyd.core.VerifiedList;

/**
 * The list the daemon answers from, held in memory. It changes only through {@link #offer}, the
 * one rollback-guarded way in: a candidate replaces the active list only if it is not older than
 * the active one (by signature time and by the list's own timestamp), and the embedded default
 * never replaces a list that came from a configured source. The comparison is with what is in
 * memory, not with the copy on disk: a damaged or replaced disk copy cannot let an older list in.
 * Safe to call from any thread; {@code onChange} runs on the offering thread, under the lock.
 */
public final class ActiveList {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveList.class);

    /** What became of a candidate. */
    public enum Outcome {
        /** The candidate is the active list now. */
        ACTIVATED,
        /** The candidate carries the same times as the active list; nothing changed. */
        SAME,
        /** The candidate is older than the active list, or the embedded default over a real list. */
        REFUSED
    }

    private final Consumer<VerifiedList> onChange;
    private volatile VerifiedList current;

    /** @param onChange told of each newly active list (to publish it to the doors) */
    public ActiveList(VerifiedList initial, Consumer<VerifiedList> onChange) {
        this.current = initial;
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    /** The active list, or null while none has verified. */
    public VerifiedList get() {
        return current;
    }

    /** Makes {@code candidate} active if the rules above allow it; says what happened. */
    public synchronized Outcome offer(VerifiedList candidate) {
        Objects.requireNonNull(candidate, "candidate");
        VerifiedList active = current;
        String refusal = refusal(candidate, active);
        if (refusal != null) {
            LOG.warn("list: {} is NOT made active: {}", candidate.source(), refusal);
            return Outcome.REFUSED;
        }
        if (active != null && sameTimes(candidate, active) && candidate.embeddedDefault() == active.embeddedDefault()) {
            return Outcome.SAME;
        }
        current = candidate;
        onChange.accept(candidate);
        return Outcome.ACTIVATED;
    }

    /** Why {@code candidate} may not replace {@code active}, or null when it may. */
    public static String refusal(VerifiedList candidate, VerifiedList active) {
        if (active == null || active.embeddedDefault() && !candidate.embeddedDefault()) {
            return null;
        }
        if (candidate.embeddedDefault() && !active.embeddedDefault()) {
            return "the embedded default never replaces a list from a configured source (active: "
                    + active.source() + ", timestamp " + active.list().timestamp() + ")";
        }
        try {
            RollbackGuard.check(candidate, active);
            return null;
        } catch (ListRejectedException e) {
            return "older than the active list in memory: " + e.getMessage();
        }
    }

    private static boolean sameTimes(VerifiedList a, VerifiedList b) {
        return a.list().timestamp().equals(b.list().timestamp())
                && a.signature().signatureTime().equals(b.signature().signatureTime())
                && a.list().size() == b.list().size() && a.source().equals(b.source());
    }
}
