package org.starttls.policyd.fetcher.dane;

import java.time.Instant;
import java.util.Objects;
import org.starttls.policyd.core.dane.DaneEvidence;

/**
 * A domain's DANE evidence as the cache file holds it: the verdict is decided again from it on
 * reading, so the file can never hold a verdict the evidence does not give.
 *
 * @param lookedUp when the evidence was collected
 * @param expires until when it may be used (the lowest TTL it rests on, clamped)
 */
record CachedDaneAnswer(String domain, DaneEvidence evidence, Instant lookedUp, Instant expires) {
    CachedDaneAnswer {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(lookedUp, "lookedUp");
        Objects.requireNonNull(expires, "expires");
    }

    /** Usable until it expires, and never for longer than the longest TTL from now (a clock set back, a forged file). */
    boolean usableAt(Instant now) {
        return now.isBefore(expires) && !expires.isAfter(now.plus(DaneResolver.MAX_TTL))
                && !expires.isAfter(lookedUp.plus(DaneResolver.MAX_TTL));
    }
}
