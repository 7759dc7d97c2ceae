package org.starttls.policyd.fetcher.sts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Interner;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.core.sts.StsRecordResult;
import org.starttls.policyd.fetcher.cachefile.CacheFileWriter;
import org.starttls.policyd.fetcher.cachefile.JsonCacheFile;

/**
 * The MTA-STS resolver of RFC 8461 section 5: a cache of policies in front of the TXT lookup and
 * the policy fetch, so that a domain's policy is asked for rarely and used until its
 * {@code max_age} whatever the network does.
 *
 * <ul>
 *   <li><b>Never blocks, never fails.</b> {@link #resolve} returns at once; its outcome completes
 *       normally with a {@link StsOutcome}, an internal error included (as {@code Unusable}).</li>
 *   <li><b>Cache hit.</b> A policy within its {@code max_age} is answered at once,
 *       {@code CACHED}, without allocating. If its TXT {@code id} was last seen longer ago than
 *       {@link StsSettings#txtRecheck()}, the use also starts a background re-check: the same id
 *       makes the entry fresh again; a changed id fetches the new policy, which replaces the
 *       cached one only if it is valid.</li>
 *   <li><b>Outages.</b> A failed re-check or refresh (DNS failure, policy host unreachable, bad
 *       certificate, invalid policy) keeps the cached policy until its {@code max_age}, answered
 *       {@code STALE} (RFC 8461 section 5.1: the sender MUST keep applying it).</li>
 *   <li><b>Record gone.</b> When DNS answers that the TXT record no longer exists, the cached
 *       policy is still used until its {@code max_age} (RFC 8461 section 5.1: only a policy, not
 *       a missing record, withdraws a policy; section 8.3 says a domain withdraws with
 *       {@code mode: none}).</li>
 *   <li><b>{@code mode: none}.</b> A fetched {@code none} policy replaces the cached one (so a
 *       stronger policy is forgotten at once) and is itself cached until its {@code max_age}: the
 *       domain said "none", it is answered as {@code Known} (the preload list must not speak
 *       for it) and the next request does not fetch again.</li>
 *   <li><b>Nothing cached.</b> TXT lookup, then the policy fetch, shared by every request that
 *       arrives meanwhile (single-flight). {@link StsResolution#recordSeen()} turns true as soon
 *       as a valid TXT record is seen. DNS's "no record" is {@code NoPolicy} and is taken at its
 *       word for the TXT re-check interval.</li>
 *   <li><b>Failure rate limit.</b> After a failed TXT lookup or policy fetch the domain is left
 *       alone for {@link StsSettings#failureRetry()}: meanwhile requests get the same
 *       {@code Unusable} answer at once (or the cached policy, {@code STALE}).</li>
 *   <li><b>Proactive refresh.</b> {@link #refreshDue()}, called from the daemon's scheduler,
 *       refetches policies that were used since they were fetched and that are close to expiry
 *       (a random point in the first half of the last quarter of {@code max_age}, at most the
 *       last day), so a domain in use never drops out of the cache.</li>
 *   <li><b>Downgrades.</b> A new policy weaker than the cached one ({@link StsDowngrade}) is
 *       accepted, logged at WARN and reported to {@link StsEvents#downgradeSeen}.</li>
 *   <li><b>Bounded, persisted.</b> At most {@link StsSettings#maxEntries()} policies; with a
 *       cache file the policies are written a while after they change ({@link CacheFileWriter},
 *       never on a caller's thread) and read back at construction, so a restart needs no network
 *       for the domains already cached. Equal policies of different domains (a hosting
 *       provider's) are held once.</li>
 * </ul>
 *
 * Domains are passed normalised (ASCII, lower case, no trailing dot), as the doors have them.
 * The sources' futures may complete on any thread; the work done there is short and never
 * blocks.
 */
public final class StsResolver implements StsLookup, AutoCloseable {
    /** The cache file's name in the state directory. */
    public static final String CACHE_FILE_NAME = "mta-sts-cache.json";
    /** How often the daemon should call {@link #refreshDue()}: refresh windows are hours long, so a minute is plenty. */
    public static final Duration REFRESH_DUE_PERIOD = Duration.ofMinutes(1);

    /**
     * A request's cache read is told to the cache's eviction order once in this many reads (at
     * random); the others read quietly. Recording every read costs a hit more than the rest of it
     * (the eviction order's links of entries the processor has not touched lately); one in 16
     * still tells a domain in use from one that is not, which is all the size bound needs.
     */
    static final int RECORDED_READ_ONE_IN = 16;

    private static final Logger LOG = LoggerFactory.getLogger(StsResolver.class);

    private final StsRecordSource records;
    private final StsPolicySource policies;
    private final Clock clock;
    private final StsSettings settings;
    private final StsEvents events;
    /** The refresh jitter and the sampling of recorded reads; called from any thread. */
    private final RandomGenerator random;
    private final Cache<String, CacheEntry> cache;
    /** {@link #cache}'s policy, for quiet reads ({@link #RECORDED_READ_ONE_IN}). */
    private final Policy<String, CacheEntry> cachePolicy;
    private final Cache<String, Remembered> remembered;
    private final Map<String, Flight> flights = new ConcurrentHashMap<>();
    private final CacheFileWriter<CachedStsPolicy> writer;
    /**
     * Equal policies held once: a hosting provider serves the same policy file for thousands of
     * domains. Weak, so a policy no entry uses any more is forgotten.
     */
    private final Interner<StsPolicy> samePolicies = Interner.newWeakInterner();

    /**
     * @param cacheFile where the cache persists ({@code STATE_DIR/}{@value #CACHE_FILE_NAME}), read
     *     here if it exists; empty for a cache in memory only (tools, tests)
     */
    public StsResolver(StsRecordSource records, StsPolicySource policies, Clock clock, StsSettings settings,
            StsEvents events, Optional<Path> cacheFile) {
        // Entries are made on whatever thread a source completes on, and the doors' I/O threads
        // sample their cache reads with it: one generator per thread.
        this(records, policies, clock, settings, events, cacheFile, () -> ThreadLocalRandom.current().nextLong(),
                null);
    }

    /** @param writerExecutor runs the delayed writes of the cache file (not shut down here), or null for a thread of its own */
    StsResolver(StsRecordSource records, StsPolicySource policies, Clock clock, StsSettings settings,
            StsEvents events, Optional<Path> cacheFile, RandomGenerator random,
            ScheduledExecutorService writerExecutor) {
        this.records = Objects.requireNonNull(records, "records");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.random = Objects.requireNonNull(random, "random");
        // Eviction runs on the thread that caused it: no pool, and tests see it happen.
        this.cache = Caffeine.newBuilder().maximumSize(settings.maxEntries()).executor(Runnable::run)
                .removalListener((String domain, CacheEntry entry, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        changed();
                    }
                })
                .build();
        this.cachePolicy = cache.policy();
        this.remembered = Caffeine.newBuilder().maximumSize(settings.maxEntries()).executor(Runnable::run).build();
        if (cacheFile.isPresent()) {
            JsonCacheFile<CachedStsPolicy> file = StsCacheFile.open(cacheFile.get(), settings.maxFileBytes(),
                    settings.maxEntries());
            load(file);
            this.writer = writerExecutor == null
                    ? CacheFileWriter.onOwnThread(file, this::snapshot, settings.writeDelay(), "mta-sts-cache-writer")
                    : new CacheFileWriter<>(file, this::snapshot, settings.writeDelay(), writerExecutor, false);
        } else {
            this.writer = null;
        }
    }

    private void load(JsonCacheFile<CachedStsPolicy> file) {
        List<CachedStsPolicy> loaded = file.read(clock.instant());
        for (CachedStsPolicy read : loaded) {
            CachedStsPolicy policy = new CachedStsPolicy(read.domain(), read.id(), samePolicies.intern(read.policy()),
                    read.fetchedAt(), read.checkedAt());
            cache.put(policy.domain(), CacheEntry.of(policy, settings, random, false));
        }
        if (!loaded.isEmpty()) {
            LOG.info("MTA-STS cache: {} policies read from {}", loaded.size(), file.path());
        }
    }

    @Override
    public StsResolution resolve(String domain) {
        return resolve(domain, true);
    }

    /**
     * The same answers as this resolver, for questions an operator asks ({@code policyctl lookup}):
     * they start, join and refresh resolutions exactly as a door's would, but are not counted as
     * cache hits, misses or stale answers, so the metrics describe the MTA's requests only.
     */
    public StsLookup uncounted() {
        return new StsLookup() {
            @Override
            public StsResolution resolve(String domain) {
                return StsResolver.this.resolve(domain, false);
            }

            @Override
            public Optional<CachedStsPolicy> cached(String domain) {
                return StsResolver.this.cached(domain);
            }
        };
    }

    @Override
    public StsEvidence.Policy knownNow(String domain) {
        long now = clock.millis();
        CacheEntry entry = read(domain);
        if (entry == null || !entry.usableAt(now)) {
            return null;
        }
        serve(domain, entry, now, true);
        return entry.evidence;
    }

    /** A request's read of the cache: recorded for the eviction order once in {@link #RECORDED_READ_ONE_IN}. */
    private CacheEntry read(String domain) {
        return random.nextInt(RECORDED_READ_ONE_IN) == 0 ? cache.getIfPresent(domain)
                : cachePolicy.getIfPresentQuietly(domain);
    }

    private StsResolution resolve(String domain, boolean counted) {
        long now = clock.millis();
        CacheEntry entry = read(domain);
        if (entry != null) {
            if (entry.usableAt(now)) {
                return serve(domain, entry, now, counted);
            }
            if (cache.asMap().remove(domain, entry)) {
                changed();
            }
        }
        if (counted) {
            events.cacheMiss();
        }
        Remembered memo = remembered.getIfPresent(domain);
        if (memo != null && memo.holdsAt(now)) {
            return memo.answer();
        }
        return join(domain, false);
    }

    private StsResolution serve(String domain, CacheEntry entry, long now, boolean counted) {
        entry.markUsed();
        if (now >= entry.recheckAtMillis && !flights.containsKey(domain)) {
            join(domain, false);
        }
        if (counted) {
            events.cacheHit();
            if (entry.stale()) {
                events.staleServed();
            }
        }
        return entry.answer;
    }

    /** The cached policy of {@code domain} if it is within its {@code max_age} (what a request would get). */
    @Override
    public Optional<CachedStsPolicy> cached(String domain) {
        CacheEntry entry = cache.getIfPresent(domain);
        return entry == null || !entry.usableAt(clock.millis()) ? Optional.empty() : Optional.of(entry.policy);
    }

    /** What the cache knows about a domain, for {@code policyctl lookup}; starts nothing. */
    public StsCacheState state(String domain) {
        long now = clock.millis();
        CacheEntry entry = cache.getIfPresent(domain);
        Remembered memo = remembered.getIfPresent(domain);
        boolean memoHolds = memo != null && memo.holdsAt(now);
        boolean usable = entry != null && entry.usableAt(now);
        return new StsCacheState(
                usable ? Optional.of(entry.policy) : Optional.empty(),
                usable ? Optional.of(Instant.ofEpochMilli(entry.refreshAtMillis)) : Optional.empty(),
                usable ? Optional.ofNullable(entry.staleBecause) : Optional.empty(),
                memoHolds ? Optional.of(memo.answer().outcome().join()) : Optional.empty(),
                memoHolds ? Optional.of(Instant.ofEpochMilli(memo.untilMillis())) : Optional.empty(),
                flights.containsKey(domain));
    }

    /** How many policies are cached (an estimate, for metrics). */
    public long size() {
        return cache.estimatedSize();
    }

    /**
     * Starts the proactive refresh of every used policy that is due, and forgets entries past
     * their time. The daemon calls it every minute or so; returns how many refreshes it started.
     */
    public int refreshDue() {
        long now = clock.millis();
        int started = 0;
        for (Map.Entry<String, CacheEntry> item : cache.asMap().entrySet()) {
            String domain = item.getKey();
            CacheEntry entry = item.getValue();
            if (!entry.usableAt(now)) {
                if (cache.asMap().remove(domain, entry)) {
                    changed();
                }
            } else if (entry.used() && now >= entry.refreshAtMillis && !flights.containsKey(domain)
                    && !backedOff(domain, now)) {
                join(domain, true);
                started++;
            }
        }
        remembered.asMap().values().removeIf(memo -> !memo.holdsAt(now));
        return started;
    }

    private boolean backedOff(String domain, long now) {
        Remembered memo = remembered.getIfPresent(domain);
        return memo != null && memo.holdsAt(now) && memo.isFailure();
    }

    /** Writes what is pending and stops the writer thread; resolving still works, without persistence. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private Collection<CachedStsPolicy> snapshot() {
        long now = clock.millis();
        List<CachedStsPolicy> usable = new ArrayList<>();
        for (CacheEntry entry : cache.asMap().values()) {
            if (entry.usableAt(now)) {
                usable.add(entry.policy);
            }
        }
        return usable;
    }

    private void changed() {
        if (writer != null) {
            writer.changed();
        }
    }

    private StsResolution join(String domain, boolean refresh) {
        Flight flight = new Flight(refresh);
        Flight running = flights.putIfAbsent(domain, flight);
        if (running != null) {
            return running;
        }
        CacheEntry prior = cache.getIfPresent(domain);
        try {
            records.lookup(domain).whenComplete((lookup, error) -> guarded(domain, flight,
                    () -> onRecord(domain, flight, prior, lookup, error)));
        } catch (RuntimeException e) {
            guarded(domain, flight, () -> {
                throw e;
            });
        }
        return flight;
    }

    /** Runs one step of a flight; whatever it throws ends the flight as a failure, never a hang. */
    private void guarded(String domain, Flight flight, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            LOG.error("MTA-STS resolution of {} failed inside policyd", domain, e);
            flights.remove(domain, flight);
            flight.complete(new StsOutcome.Unusable(StsFailure.DNS, "internal error: " + e, flight.recordSeen()));
        }
    }

    private void onRecord(String domain, Flight flight, CacheEntry prior, StsRecordLookup lookup, Throwable error) {
        if (error != null || lookup == null) {
            failed(domain, flight, prior, StsFailure.DNS, "TXT lookup failed: " + error);
            return;
        }
        if (lookup instanceof StsRecordLookup.Failed failure) {
            failed(domain, flight, prior, StsFailure.DNS, failure.detail());
            return;
        }
        StsRecordResult result = ((StsRecordLookup.Answered) lookup).result();
        Instant now = clock.instant();
        if (result instanceof StsRecordResult.Refused refused) {
            if (prior != null && prior.usableAt(now.toEpochMilli())) {
                LOG.info("{}: the _mta-sts TXT record is gone ({}); the cached policy (id {}) stays in use until {}",
                        domain, refused.detail(), prior.policy.id(), prior.policy.expiresAt());
                settle(domain, flight, prior.checked(now, settings));
                return;
            }
            StsOutcome.NoPolicy none = new StsOutcome.NoPolicy(refused.reason(), refused.detail());
            remembered.put(domain, new Remembered(new SettledResolution(none, false),
                    now.plus(settings.txtRecheck()).toEpochMilli()));
            finish(domain, flight, none);
            return;
        }
        String id = ((StsRecordResult.Found) result).record().id();
        flight.recordSeen(true);
        boolean sameId = prior != null && prior.policy.id().equals(id);
        if (sameId && !flight.refresh() && prior.usableAt(now.toEpochMilli())) {
            settle(domain, flight, prior.checked(now, settings));
            return;
        }
        if (prior != null && !sameId) {
            events.idChanged();
            LOG.info("{}: MTA-STS id changed from {} to {}; fetching the new policy", domain, prior.policy.id(), id);
        }
        policies.fetch(domain).whenComplete((fetch, fetchError) -> guarded(domain, flight,
                () -> onPolicy(domain, flight, prior, id, fetch, fetchError)));
    }

    private void onPolicy(String domain, Flight flight, CacheEntry prior, String id, StsPolicyFetch fetch,
            Throwable error) {
        if (error != null || fetch == null) {
            failed(domain, flight, prior, StsFailure.CONNECT, "policy fetch failed: " + error);
            return;
        }
        if (fetch instanceof StsPolicyFetch.Failed failure) {
            failed(domain, flight, prior, failure.kind(), failure.detail());
            return;
        }
        StsPolicyResult result = ((StsPolicyFetch.Parsed) fetch).result();
        if (result instanceof StsPolicyResult.Invalid invalid) {
            failed(domain, flight, prior, StsFailure.SYNTAX, "invalid policy: " + invalid.detail());
            return;
        }
        StsPolicy policy = samePolicies.intern(((StsPolicyResult.Valid) result).policy());
        Instant now = clock.instant();
        CachedStsPolicy fresh = new CachedStsPolicy(domain, id, policy, now, now);
        if (prior != null) {
            String weaker = StsDowngrade.describe(prior.policy.policy(), policy);
            if (weaker != null) {
                LOG.warn("{}: MTA-STS policy id {} is weaker than the cached id {} ({}); accepted, as the domain "
                        + "may change its policy", domain, id, prior.policy.id(), weaker);
                events.downgradeSeen(domain, weaker);
            }
            if (policy.mode() == StsMode.NONE && prior.policy.policy().mode() != StsMode.NONE) {
                LOG.info("{}: MTA-STS mode none replaces the cached {} policy", domain,
                        prior.policy.policy().mode().wireName());
            }
        }
        remembered.invalidate(domain);
        CacheEntry entry = CacheEntry.of(fresh, settings, random, !flight.refresh());
        if (fresh.usableAt(now)) {
            cache.put(domain, entry);
        } else {
            // max_age 0: use it for this request, keep nothing.
            cache.invalidate(domain);
        }
        changed();
        finish(domain, flight, new StsOutcome.Known(fresh, StsOutcome.Freshness.FETCHED));
    }

    /**
     * A TXT lookup or policy fetch failed: the domain is left alone for the retry interval; a
     * usable cached policy is kept and served {@code STALE}, else the answer is {@code Unusable}.
     */
    private void failed(String domain, Flight flight, CacheEntry prior, StsFailure kind, String detail) {
        events.fetchFailed(kind);
        long now = clock.millis();
        long retryAt = now + settings.failureRetry().toMillis();
        StsOutcome.Unusable unusable = new StsOutcome.Unusable(kind, detail, flight.recordSeen());
        remembered.put(domain, new Remembered(new SettledResolution(unusable, flight.recordSeen()), retryAt));
        if (prior != null && prior.usableAt(now)) {
            LOG.warn("{}: MTA-STS {} failed ({}); keeping the cached policy (id {}) until {}, next try after {}",
                    domain, kind.label(), detail, prior.policy.id(), prior.policy.expiresAt(),
                    Instant.ofEpochMilli(retryAt));
            settle(domain, flight, prior.failed(now, kind.label() + ": " + detail, settings));
            return;
        }
        LOG.warn("{}: MTA-STS {} failed ({}); no policy cached, next try after {}", domain, kind.label(), detail,
                Instant.ofEpochMilli(retryAt));
        finish(domain, flight, unusable);
    }

    /**
     * Ends a flight with an updated cache entry: re-checked (a failure remembered before is
     * forgotten), or kept after a failure (the failure stays remembered for the retry interval).
     */
    private void settle(String domain, Flight flight, CacheEntry updated) {
        if (!updated.stale()) {
            remembered.invalidate(domain);
        }
        cache.put(domain, updated);
        finish(domain, flight, updated.answer.outcome().join());
    }

    private void finish(String domain, Flight flight, StsOutcome outcome) {
        flights.remove(domain, flight);
        flight.complete(outcome);
    }

    /** For tests: runs Caffeine's pending maintenance (size eviction) now. */
    void cleanUp() {
        cache.cleanUp();
    }
}
