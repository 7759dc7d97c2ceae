package org.starttls.policyd.core;

import java.time.Instant;
import org.starttls.policyd.core.ListRejectedException.Reason;

/**
 * Refuses a candidate older than the installed list, by signature time or by the list's own
 * timestamp. An attacker who can serve files cannot replay an old, validly signed list (say, one
 * from before a domain was added) to switch a protection off. Equal times are accepted: fetching
 * the same list again is not a rollback.
 */
public final class RollbackGuard {
    private RollbackGuard() {
    }

    public static void check(VerifiedList candidate, VerifiedList installed) throws ListRejectedException {
        if (installed == null || installed.embeddedDefault()) {
            // The embedded copy is a floor for first start, not a list an operator installed.
            return;
        }
        check(candidate, installed.signature().signatureTime(), installed.list().timestamp(), "the installed list");
    }

    /**
     * Refuses a candidate signed before {@code signedAt} or with a timestamp before {@code timestamp},
     * the times of {@code what} (for the message: "the installed list", "the newest list installed here").
     */
    public static void check(VerifiedList candidate, Instant signedAt, Instant timestamp, String what)
            throws ListRejectedException {
        if (candidate.signature().signatureTime().isBefore(signedAt)) {
            throw new ListRejectedException(Reason.ROLLBACK, candidate.source() + ": rollback refused: signed at "
                    + candidate.signature().signatureTime() + ", before " + what + " (signed at " + signedAt + ")");
        }
        if (candidate.list().timestamp().isBefore(timestamp)) {
            throw new ListRejectedException(Reason.ROLLBACK, candidate.source() + ": rollback refused: timestamp "
                    + candidate.list().timestamp() + " is before " + what + "'s " + timestamp);
        }
    }
}
