package org.starttls.policyd.core;

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
        if (candidate.signature().signatureTime().isBefore(installed.signature().signatureTime())) {
            throw new ListRejectedException(Reason.ROLLBACK, candidate.source() + ": rollback refused: signed at "
                    + candidate.signature().signatureTime() + ", before the installed list (signed at "
                    + installed.signature().signatureTime() + ")");
        }
        if (candidate.list().timestamp().isBefore(installed.list().timestamp())) {
            throw new ListRejectedException(Reason.ROLLBACK, candidate.source() + ": rollback refused: timestamp "
                    + candidate.list().timestamp() + " is before the installed list's " + installed.list().timestamp());
        }
    }
}
