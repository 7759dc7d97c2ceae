package org.starttls.policyd.fetcher.dane;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.dane.DaneDecider;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.fetcher.cachefile.CacheFileWriter;
import org.starttls.policyd.fetcher.cachefile.JsonCacheFile;

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
 *   <li>The resolver's validation status is checked by {@link #recheck}; when it answers that it
 *       does not validate, the cache is emptied (answers from a resolver that validated are not kept
 *       for one that does not). A check that got no answer at all (resolver down) keeps the cached
 *       answers in use until their TTLs, and looks nothing up.
 *   <li>Persisted: with a cache file ({@value #CACHE_FILE_NAME} in the state directory) the cached
 *       evidence is written a while after it changes ({@link CacheFileWriter}, never on a caller's
 *       thread) and read back at construction, so after a restart a domain's answer, decided again
 *       from its evidence, is used until its TTL even while the resolver is down.
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
    /** The cache file's name in the state directory. */
    public static final String CACHE_FILE_NAME = "dane-cache.json";
    /** The largest cache file read or written (the newest answers are kept). */
    static final long MAX_FILE_BYTES = 32L * 1024 * 1024;
    /** How long after a change the cache file is rewritten; changes in between cost one write. */
    static final Duration WRITE_DELAY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DaneResolver.class);
    private static final ValidationStatus UNCHECKED =
            new ValidationStatus(false, "the resolver's validation has not been checked yet", true);

    private final DaneEvidenceCollector collector;
    private final ValidationCheck check;
    private final Clock clock;
    private final DaneEvents events;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DaneAnswer>> flights = new ConcurrentHashMap<>();
    private final AtomicReference<ValidationStatus> validation = new AtomicReference<>(UNCHECKED);
    private final CacheFileWriter<CachedDaneAnswer> writer;
    private final AtomicReference<CompletableFuture<ValidationStatus>> checking = new AtomicReference<>();
    /** The "no DANE" answer for the last status that did not validate, made once per check, not per request. */
    private final AtomicReference<NotApplying> notApplying = new AtomicReference<>();

    /** A cache in memory only (tools, tests). */
    public DaneResolver(DaneEvidenceCollector collector, ValidationCheck check, Clock clock) {
        this(collector, check, clock, DaneEvents.NONE, Optional.empty());
    }

    /**
     * @param cacheFile where the cache persists ({@code STATE_DIR/}{@value #CACHE_FILE_NAME}), read
     *     here if it exists; empty for a cache in memory only
     */
    public DaneResolver(DaneEvidenceCollector collector, ValidationCheck check, Clock clock, DaneEvents events,
            Optional<Path> cacheFile) {
        this(collector, check, clock, events, cacheFile, null);
    }

    /** @param writerExecutor runs the delayed writes of the cache file (not shut down here), or null for a thread of its own */
    DaneResolver(DaneEvidenceCollector collector, ValidationCheck check, Clock clock, DaneEvents events,
            Optional<Path> cacheFile, ScheduledExecutorService writerExecutor) {
        this.events = Objects.requireNonNull(events, "events");
        this.collector = Objects.requireNonNull(collector, "collector");
        this.check = Objects.requireNonNull(check, "check");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (cacheFile.isPresent()) {
            JsonCacheFile<CachedDaneAnswer> file = DaneCacheFile.open(cacheFile.get(), MAX_FILE_BYTES, MAX_ENTRIES);
            load(file);
            this.writer = writerExecutor == null
                    ? CacheFileWriter.onOwnThread(file, this::snapshot, WRITE_DELAY, "dane-cache-writer")
                    : new CacheFileWriter<>(file, this::snapshot, WRITE_DELAY, writerExecutor, false);
        } else {
            this.writer = null;
        }
    }

    private void load(JsonCacheFile<CachedDaneAnswer> file) {
        List<CachedDaneAnswer> loaded = file.read(clock.instant());
        for (CachedDaneAnswer entry : loaded) {
            DaneAnswer answer = new DaneAnswer(DaneDecider.decide(entry.evidence()), entry.evidence(),
                    "looked up at " + entry.lookedUp() + " (before a restart), cached until " + entry.expires(),
                    entry.expires());
            cache.put(entry.domain(), entryOf(answer, entry.lookedUp(), entry.expires()));
        }
        if (!loaded.isEmpty()) {
            LOG.info("DANE cache: {} answers read from {}", loaded.size(), file.path());
        }
    }

    /** What DANE says about a domain, how it was known, and the evidence (null when not collected). */
    public record DaneAnswer(DaneVerdict verdict, DaneEvidence evidence, String how, Instant expires) {
        public DaneAnswer {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(how, "how");
        }
    }

    /** @param refreshAfterMillis {@code refreshAfter} in epoch milliseconds, for {@link #freshVerdict}'s check without an Instant */
    private record Cached(DaneAnswer answer, Instant lookedUp, Instant refreshAfter, Instant expires, long refreshAfterMillis) {
        Cached(DaneAnswer answer, Instant lookedUp, Instant refreshAfter, Instant expires) {
            this(answer, lookedUp, refreshAfter, expires, refreshAfter.toEpochMilli());
        }
    }

    /** The answer every domain gets while {@code status} (a resolver that answered without validating) holds. */
    private record NotApplying(ValidationStatus status, DaneAnswer answer) {}

    /** Runs the validation check (start, reload) and keeps its result; completes normally. */
    public CompletableFuture<ValidationStatus> recheck() {
        return check.run().thenApply(status -> {
            validation.set(status);
            if (!status.validates()) {
                events.validationCheckFailed();
            }
            if (!status.validates() && !status.unanswered() && !cache.isEmpty()) {
                // The resolver answered that it does not validate: nothing it said before counts.
                cache.clear();
                changed();
            }
            return status;
        });
    }

    /** The validation check under way, or a new one. */
    private CompletableFuture<ValidationStatus> sharedRecheck() {
        while (true) {
            CompletableFuture<ValidationStatus> running = checking.get();
            if (running != null && !running.isDone()) {
                return running;
            }
            CompletableFuture<ValidationStatus> mine = new CompletableFuture<>();
            if (checking.compareAndSet(running, mine)) {
                recheck().whenComplete((status, error) -> {
                    if (error == null) {
                        mine.complete(status);
                    } else {
                        mine.complete(new ValidationStatus(false, "the validation check failed: " + error, true));
                    }
                });
                return mine;
            }
        }
    }

    /** The last validation check's result. */
    public ValidationStatus validation() {
        return validation.get();
    }

    /**
     * Whether DANE can decide anything now: false only while the last check found the resolver
     * answering without validating, when {@link #resolve} answers "no DANE" for every domain
     * without a lookup. A resolver not checked yet or not answering may still give DANE (or a
     * {@code TEMP}): true. One volatile read, for callers that skip DANE altogether when false.
     */
    public boolean appliesNow() {
        ValidationStatus status = validation.get();
        return status.validates() || status.unanswered();
    }

    /** The answer for a normalised domain: at once when cached, else when its collection completes. */
    public CompletableFuture<DaneAnswer> resolve(String domain) {
        Instant now = clock.instant();
        ValidationStatus status = validation.get();
        if (!status.validates() && status.unanswered()) {
            // The resolver is down: what it said while it validated holds until its TTL; a refresh
            // now could only find it not validating.
            Cached cached = cache.get(domain);
            if (cached != null && now.isBefore(cached.expires())) {
                events.cachedServedOnFailure();
                return CompletableFuture.completedFuture(cached.answer());
            }
            // Nothing cached: ask the resolver again whether it validates (one check at a time).
            // While it stays silent the domain may be a DANE domain: TEMP, never "no DANE".
            return sharedRecheck().thenCompose(next -> next.unanswered()
                    ? CompletableFuture.completedFuture(new DaneAnswer(new DaneVerdict(DaneVerdict.Kind.TEMP,
                            "the resolver does not answer: " + next.detail()), null, "not looked up",
                            clock.instant()))
                    : resolve(domain));
        }
        if (!status.validates()) {
            // Nothing from this resolver can be secure: no lookups, and never dane-only.
            return CompletableFuture.completedFuture(notApplying(status, now));
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

    /**
     * The verdict for a normalised domain when it is known with no work at all: the resolver
     * validates and the domain's cached answer is not yet due for a refresh. Else null, and
     * {@link #resolve} decides (a lookup, a refresh, a resolver that does not answer...). Allocates
     * nothing: the socketmap door's path for a cached domain.
     */
    public DaneVerdict freshVerdict(String domain) {
        if (!validation.get().validates()) {
            return null;
        }
        Cached cached = cache.get(domain);
        return cached != null && clock.millis() < cached.refreshAfterMillis() ? cached.answer().verdict() : null;
    }

    /** The one "no DANE" answer for {@code status}, made when a check first returns it (its time is then). */
    private DaneAnswer notApplying(ValidationStatus status, Instant now) {
        NotApplying shared = notApplying.get();
        if (shared == null || shared.status() != status) {
            shared = new NotApplying(status, new DaneAnswer(new DaneVerdict(DaneVerdict.Kind.NO_DANE,
                    "DANE does not apply: " + status.detail()), null, "not looked up", now));
            notApplying.set(shared);
        }
        return shared.answer();
    }

    /** The cached answer for a domain, or null (for {@code policyctl lookup}). */
    public DaneAnswer cached(String domain) {
        Cached cached = cache.get(domain);
        return cached == null || !clock.instant().isBefore(cached.expires()) ? null : cached.answer();
    }

    public int size() {
        return cache.size();
    }

    /** Writes what is pending to the cache file and stops its writer; resolving still works, without persistence. */
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private Collection<CachedDaneAnswer> snapshot() {
        Instant now = clock.instant();
        List<CachedDaneAnswer> usable = new ArrayList<>();
        for (Map.Entry<String, Cached> entry : cache.entrySet()) {
            Cached cached = entry.getValue();
            if (now.isBefore(cached.expires()) && cached.answer().evidence() != null) {
                usable.add(new CachedDaneAnswer(entry.getKey(), cached.answer().evidence(), cached.lookedUp(),
                        cached.expires()));
            }
        }
        return usable;
    }

    private void changed() {
        if (writer != null) {
            writer.changed();
        }
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
        DaneAnswer answer = new DaneAnswer(verdict, timed.evidence(), "looked up at " + now + ", cached until "
                + expires, expires);
        makeRoom(now);
        cache.put(domain, entryOf(answer, now, expires));
        changed();
        return answer;
    }

    /** Refreshed after {@link #REFRESH_AT} of its lifetime, less a jitter of up to a tenth of that. */
    private static Cached entryOf(DaneAnswer answer, Instant lookedUp, Instant expires) {
        long refreshMillis = (long) (Duration.between(lookedUp, expires).toMillis() * REFRESH_AT);
        long jitter = ThreadLocalRandom.current().nextLong(refreshMillis / 10 + 1);
        return new Cached(answer, lookedUp, lookedUp.plusMillis(refreshMillis - jitter), expires);
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
