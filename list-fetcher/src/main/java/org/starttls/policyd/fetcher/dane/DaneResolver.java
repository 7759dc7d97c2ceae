package org.starttls.policyd.fetcher.dane;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls.policyd.core.dane.DaneDecider;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.DaneVerdict;

/**
 * DANE for destination domains, cached: each domain's evidence is collected by
 * {@link DaneEvidenceCollector}, decided by {@link DaneDecider} and kept for the lowest TTL of the
 * answers it rests on, clamped to [{@link #MIN_TTL}, {@link #MAX_TTL}]. A cached answer is
 * refreshed in the background once {@link #REFRESH_AT} of its lifetime (less a jitter) has passed.
 *
 * <ul>
 *   <li>Single flight: concurrent requests for a domain share one collection.
 *   <li>A collection that fails ({@code TEMP}: the MX RRset is bogus or did not answer) never
 *       replaces a cached answer that is still valid: that answer outlives a resolver outage until
 *       its TTL. With nothing cached the {@code TEMP} is answered, and not cached.
 *   <li>The resolver's validation status is checked by {@link #recheck}; when it changes, the cache
 *       is emptied (answers from a resolver that validated are not kept for one that does not).
 * </ul>
 *
 * <p>{@link #resolve} never blocks and its future completes normally, within the lookups' timeouts.
 */
public final class DaneResolver {
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    public static final Duration MAX_TTL = Duration.ofDays(1);
    /** Share of an answer's lifetime after which it is refreshed in the background. */
    static final double REFRESH_AT = 0.8;
    /** Domains held; past this the cache drops expired answers, then arbitrary ones. */
    public static final int MAX_ENTRIES = 100_000;

    private final DaneEvidenceCollector collector;
    private final ValidationCheck check;
    private final Clock clock;
    private final DaneEvents events;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DaneAnswer>> flights = new ConcurrentHashMap<>();
    private final AtomicReference<ValidationStatus> validation = new AtomicReference<>(
            new ValidationStatus(false, "the resolver's validation has not been checked yet"));

    public DaneResolver(DaneEvidenceCollector collector, ValidationCheck check, Clock clock) {
        this(collector, check, clock, DaneEvents.NONE);
    }

    public DaneResolver(DaneEvidenceCollector collector, ValidationCheck check, Clock clock, DaneEvents events) {
        this.events = Objects.requireNonNull(events, "events");
        this.collector = Objects.requireNonNull(collector, "collector");
        this.check = Objects.requireNonNull(check, "check");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What DANE says about a domain, how it was known, and the evidence (null when not collected). */
    public record DaneAnswer(DaneVerdict verdict, DaneEvidence evidence, String how, Instant expires) {
        public DaneAnswer {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(how, "how");
        }
    }

    private record Cached(DaneAnswer answer, Instant refreshAfter, Instant expires) {}

    /** Runs the validation check (start, reload) and keeps its result; completes normally. */
    public CompletableFuture<ValidationStatus> recheck() {
        return check.run().thenApply(status -> {
            ValidationStatus before = validation.getAndSet(status);
            if (!status.validates()) {
                events.validationCheckFailed();
            }
            if (before.validates() != status.validates()) {
                cache.clear();
            }
            return status;
        });
    }

    /** The last validation check's result. */
    public ValidationStatus validation() {
        return validation.get();
    }

    /** The answer for a normalised domain: at once when cached, else when its collection completes. */
    public CompletableFuture<DaneAnswer> resolve(String domain) {
        Instant now = clock.instant();
        ValidationStatus status = validation.get();
        if (!status.validates()) {
            // Nothing from this resolver can be secure: no lookups, and never dane-only.
            return CompletableFuture.completedFuture(new DaneAnswer(new DaneVerdict(DaneVerdict.Kind.NO_DANE,
                    "DANE does not apply: " + status.detail()), null, "not looked up", now));
        }
        Cached cached = cache.get(domain);
        if (cached != null && now.isBefore(cached.expires())) {
            if (!now.isBefore(cached.refreshAfter())) {
                flight(domain);
            }
            return CompletableFuture.completedFuture(cached.answer());
        }
        return flight(domain);
    }

    /** The cached answer for a domain, or null (for {@code policyctl lookup}). */
    public DaneAnswer cached(String domain) {
        Cached cached = cache.get(domain);
        return cached == null || !clock.instant().isBefore(cached.expires()) ? null : cached.answer();
    }

    public int size() {
        return cache.size();
    }

    private CompletableFuture<DaneAnswer> flight(String domain) {
        CompletableFuture<DaneAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DaneAnswer> running = flights.putIfAbsent(domain, mine);
        if (running != null) {
            return running;
        }
        collector.collectTimed(domain, validation.get()).whenComplete((timed, error) -> {
            DaneAnswer answer;
            try {
                answer = error == null ? settle(domain, timed)
                        : failed(domain, "internal error in the DANE lookups: " + error);
            } catch (RuntimeException e) {
                answer = failed(domain, "internal error in the DANE decision: " + e);
            }
            flights.remove(domain, mine);
            mine.complete(answer);
        });
        return mine;
    }

    private DaneAnswer settle(String domain, DaneEvidenceCollector.TimedEvidence timed) {
        DaneVerdict verdict = DaneDecider.decide(timed.evidence());
        Instant now = clock.instant();
        if (verdict.kind() == DaneVerdict.Kind.TEMP) {
            events.lookupFailed();
            Cached still = cache.get(domain);
            if (still != null && now.isBefore(still.expires())) {
                events.cachedServedOnFailure();
                return still.answer();
            }
            return new DaneAnswer(verdict, timed.evidence(), "looked up now, not cached (a failure)", now);
        }
        Duration ttl = clamp(timed.ttlSeconds());
        Instant expires = now.plus(ttl);
        long refreshMillis = (long) (ttl.toMillis() * REFRESH_AT);
        long jitter = ThreadLocalRandom.current().nextLong(refreshMillis / 10 + 1);
        DaneAnswer answer = new DaneAnswer(verdict, timed.evidence(), "looked up at " + now + ", cached until "
                + expires, expires);
        makeRoom(now);
        cache.put(domain, new Cached(answer, now.plusMillis(refreshMillis - jitter), expires));
        return answer;
    }

    private DaneAnswer failed(String domain, String why) {
        events.lookupFailed();
        Cached still = cache.get(domain);
        if (still != null && clock.instant().isBefore(still.expires())) {
            events.cachedServedOnFailure();
            return still.answer();
        }
        return new DaneAnswer(new DaneVerdict(DaneVerdict.Kind.TEMP, why), null, "not cached (a failure)",
                clock.instant());
    }

    static Duration clamp(long ttlSeconds) {
        Duration ttl = ttlSeconds >= MAX_TTL.toSeconds() ? MAX_TTL : Duration.ofSeconds(Math.max(0, ttlSeconds));
        return ttl.compareTo(MIN_TTL) < 0 ? MIN_TTL : ttl;
    }

    private void makeRoom(Instant now) {
        if (cache.size() < MAX_ENTRIES) {
            return;
        }
        cache.values().removeIf(cached -> !now.isBefore(cached.expires()));
        Iterator<String> keys = cache.keySet().iterator();
        while (cache.size() >= MAX_ENTRIES && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
