package org.starttls.policyd.fetcher.sts;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.starttls.policyd.core.engine.StsEvidence;

/**
 * A cached policy with the times that drive it, in epoch milliseconds so the hot path compares
 * numbers, and its answer built once so a hit allocates nothing. Immutable but for {@link #used}:
 * a change (re-checked, failed, refetched) puts a new entry in the cache.
 *
 * <p>A hit reads this entry and what {@link #evidence} leads to (the policy's kept answer text):
 * with thousands of policies cached these are mostly not in the processor's caches, so the door's
 * path is kept to as few objects as it can be, all made here together.
 */
final class CacheEntry {
    final CachedStsPolicy policy;
    final long expiresAtMillis;
    /** When a use starts a background TXT re-check. */
    final long recheckAtMillis;
    /** When {@link StsResolver#refreshDue()} refetches the policy, if the entry was used. */
    final long refreshAtMillis;
    /** Why the last re-check or refresh failed, or null: the policy is then served {@code STALE}. */
    final String staleBecause;
    final SettledResolution answer;
    /** {@link #answer}'s policy as the engine decides with it, for the doors' path ({@link StsResolver#knownNow}). */
    final StsEvidence.Policy evidence;
    /** Whether a request was answered from this entry, so it is worth refreshing before expiry. */
    private volatile boolean used;

    private CacheEntry(CachedStsPolicy policy, long recheckAtMillis, long refreshAtMillis, String staleBecause,
            boolean used) {
        this.policy = policy;
        this.expiresAtMillis = policy.expiresAt().toEpochMilli();
        this.recheckAtMillis = recheckAtMillis;
        this.refreshAtMillis = refreshAtMillis;
        this.staleBecause = staleBecause;
        StsOutcome.Known known = new StsOutcome.Known(policy,
                staleBecause == null ? StsOutcome.Freshness.CACHED : StsOutcome.Freshness.STALE);
        this.answer = new SettledResolution(known, true);
        this.evidence = known.evidence();
        this.used = used;
    }

    /**
     * A policy just fetched, or read back from the cache file. Its proactive refresh falls at a
     * random point in the first half of the window before expiry, so domains fetched together are
     * not refreshed together.
     */
    static CacheEntry of(CachedStsPolicy policy, StsSettings settings, RandomGenerator random, boolean used) {
        Duration lead = settings.refreshLead(policy.policy().maxAge());
        long jitter = lead.toMillis() / 2 > 0 ? random.nextLong(lead.toMillis() / 2) : 0;
        long refreshAt = policy.expiresAt().toEpochMilli() - lead.toMillis() + jitter;
        return new CacheEntry(policy, recheckAfter(policy.checkedAt(), settings), refreshAt, null, used);
    }

    private static long recheckAfter(Instant checkedAt, StsSettings settings) {
        return checkedAt.plus(settings.txtRecheck()).toEpochMilli();
    }

    boolean usableAt(long nowMillis) {
        return nowMillis < expiresAtMillis;
    }

    boolean stale() {
        return staleBecause != null;
    }

    boolean used() {
        return used;
    }

    /** Called on every hit; writes only the first time, so hits on other threads do not contend. */
    void markUsed() {
        if (!used) {
            used = true;
        }
    }

    /** The TXT {@code id} was seen unchanged (or the record is gone, which keeps the policy): fresh again. */
    CacheEntry checked(Instant now, StsSettings settings) {
        CachedStsPolicy checked = new CachedStsPolicy(policy.domain(), policy.id(), policy.policy(),
                policy.fetchedAt(), now);
        return new CacheEntry(checked, recheckAfter(now, settings), refreshAtMillis, null, used);
    }

    /** A re-check or refresh failed: served {@code STALE}, and left alone for the failure retry interval. */
    CacheEntry failed(long nowMillis, String why, StsSettings settings) {
        long retryAt = nowMillis + settings.failureRetry().toMillis();
        return new CacheEntry(policy, Math.max(recheckAtMillis, retryAt), Math.max(refreshAtMillis, retryAt), why,
                used);
    }
}
