package org.starttls.policyd.fetcher;

import java.time.Instant;
import java.util.List;

/**
 * The state of the active list and of the updates, as of one moment: what other parts (status
 * output, metrics) read. Warnings are sentences for an operator; empty means healthy.
 *
 * @param source where the active list came from, or null before one is active
 * @param embeddedDefault whether the active list is the packaged one
 * @param listTimestamp the active list's own timestamp, or null
 * @param expires the active list's expiry, or null
 * @param expired whether it is past its expiry now
 * @param lastAttempt when an update was last tried, or null
 * @param lastResult what that attempt decided ({@link UpdateResult#describe()}), or null
 * @param lastSuccess when an attempt last succeeded (installed or unchanged), or null
 * @param consecutiveFailures attempts in a row that were refused
 */
public record ListStatus(String source, boolean embeddedDefault, Instant listTimestamp, Instant expires,
        boolean expired, Instant lastAttempt, String lastResult, Instant lastSuccess, int consecutiveFailures,
        List<String> warnings) {
    public ListStatus {
        warnings = List.copyOf(warnings);
    }

    public boolean healthy() {
        return warnings.isEmpty();
    }
}
