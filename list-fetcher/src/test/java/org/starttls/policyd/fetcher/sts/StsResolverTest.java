package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.sts.StsOutcome.Freshness;

class StsResolverTest {
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    static final String DOMAIN = "example.com";
    static final long WEEK = Duration.ofDays(7).toSeconds();
    /** Puts every proactive refresh at the start of its window. */
    static final RandomGenerator NO_JITTER = () -> 0L;

    final MutableClock clock = new MutableClock(START);
    final ScriptedRecords records = new ScriptedRecords();
    final ScriptedPolicies policies = new ScriptedPolicies();
    final RecordingEvents events = new RecordingEvents();

    StsResolver resolver(StsSettings settings) {
        return new StsResolver(records, policies, clock, settings, events, Optional.empty(), NO_JITTER, null);
    }

    StsResolver resolver() {
        return resolver(StsSettings.DEFAULTS);
    }

    /** The outcome, which must be there already. */
    static StsOutcome settled(StsResolution resolution) {
        assertTrue(resolution.outcome().isDone(), "resolution is complete at once");
        return resolution.outcome().join();
    }

    static StsOutcome.Known known(StsResolution resolution, Freshness freshness) {
        StsOutcome.Known known = assertInstanceOf(StsOutcome.Known.class, settled(resolution));
        assertEquals(freshness, known.freshness());
        return known;
    }

    void publish(String id, String mode, long maxAge, String... mx) {
        records.id(DOMAIN, id);
        policies.serve(DOMAIN, mode, maxAge, mx);
    }

    @Test
    void aFirstContactFetchesAndLaterRequestsAreAnsweredFromTheCacheWithoutTheNetwork() {
        publish("one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver();

        StsResolution first = resolver.resolve(DOMAIN);
        StsOutcome.Known fetched = known(first, Freshness.FETCHED);
        assertTrue(first.recordSeen());
        assertEquals("one", fetched.policy().id());
        assertEquals(StsMode.ENFORCE, fetched.policy().policy().mode());
        assertEquals(START, fetched.policy().fetchedAt());

        clock.advance(Duration.ofSeconds(299));
        StsResolution hit = resolver.resolve(DOMAIN);
        assertEquals(fetched.policy(), known(hit, Freshness.CACHED).policy());
        assertTrue(hit.recordSeen());
        assertSame(hit, resolver.resolve(DOMAIN), "a hit returns the answer built once, allocating nothing");
        assertEquals(1, records.calls(DOMAIN));
        assertEquals(1, policies.calls(DOMAIN));
        assertEquals(1, events.misses.get());
        assertEquals(2, events.hits.get());
        assertEquals(Optional.of(fetched.policy()), resolver.cached(DOMAIN));
        assertEquals(1, resolver.size());
    }

    @Test
    void theDoorsShortWayAnswersACachedPolicyAsResolveWouldAndNothingElse() {
        publish("one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver(StsSettings.DEFAULTS.withTxtRecheck(Duration.ofSeconds(60)));
        assertNull(resolver.knownNow(DOMAIN), "nothing cached: resolve must be asked");
        assertEquals(0, records.calls(DOMAIN), "and nothing started");
        StsOutcome.Known fetched = known(resolver.resolve(DOMAIN), Freshness.FETCHED);

        StsEvidence.Policy cached = resolver.knownNow(DOMAIN);
        assertEquals(fetched.basis(), cached.basis());
        assertEquals("cached", cached.how());
        assertSame(cached, resolver.knownNow(DOMAIN), "built once with the cache entry");
        assertSame(cached.basis(), known(resolver.resolve(DOMAIN), Freshness.CACHED).basis(),
                "the same basis as resolve's answer, so its answer text is rendered once");
        assertEquals(3, events.hits.get(), "counted as hits");

        clock.advance(Duration.ofSeconds(60));
        assertEquals(cached, resolver.knownNow(DOMAIN));
        assertEquals(2, records.calls(DOMAIN), "a use past the recheck interval re-checks the id");

        clock.advance(Duration.ofSeconds(WEEK));
        assertNull(resolver.knownNow(DOMAIN), "past max_age: resolve decides what happens");
        assertEquals(4, events.hits.get());
        assertEquals(1, events.misses.get());
    }

    @Test
    void domainsServingTheSamePolicyShareOneCopyOfIt() {
        records.id("a.example", "one");
        records.id("b.example", "two");
        records.id("c.example", "one");
        policies.serve("a.example", "enforce", WEEK, "mx.provider.example");
        policies.serve("b.example", "enforce", WEEK, "mx.provider.example");
        policies.serve("c.example", "enforce", WEEK, "mx2.provider.example");
        StsResolver resolver = resolver();
        for (String domain : new String[] {"a.example", "b.example", "c.example"}) {
            known(resolver.resolve(domain), Freshness.FETCHED);
        }

        CachedStsPolicy a = resolver.cached("a.example").orElseThrow();
        CachedStsPolicy b = resolver.cached("b.example").orElseThrow();
        CachedStsPolicy c = resolver.cached("c.example").orElseThrow();
        assertSame(a.policy(), b.policy(), "equal policies are one object");
        assertEquals("two", b.id(), "each domain keeps its own id");
        assertFalse(a.policy().equals(c.policy()));
        assertEquals(List.of("mx2.provider.example"), c.policy().mx().stream().map(StsMxPattern::toStsForm).toList());
    }

    @Test
    void aPolicyUsedAfterTheRecheckIntervalHasItsIdRecheckedInTheBackgroundAndTheSameIdKeepsIt() {
        publish("one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver(StsSettings.DEFAULTS.withTxtRecheck(Duration.ofSeconds(60)));
        resolver.resolve(DOMAIN);

        clock.advance(Duration.ofSeconds(60));
        records.hold();
        StsResolution during = resolver.resolve(DOMAIN);
        assertEquals(START, known(during, Freshness.CACHED).policy().checkedAt(),
                "answered from the cache while the re-check runs");
        assertEquals(2, records.calls(DOMAIN));
        resolver.resolve(DOMAIN);
        assertEquals(2, records.calls(DOMAIN), "one re-check at a time");
        records.release();

        CachedStsPolicy checked = resolver.cached(DOMAIN).orElseThrow();
        assertEquals(START.plusSeconds(60), checked.checkedAt());
        assertEquals(START, checked.fetchedAt(), "an unchanged id is not refetched");
        assertEquals(1, policies.calls(DOMAIN));
        assertEquals(0, events.idChanges.get());

        clock.advance(Duration.ofSeconds(59));
        resolver.resolve(DOMAIN);
        assertEquals(2, records.calls(DOMAIN), "checked again only after the interval");
        clock.advance(Duration.ofSeconds(1));
        resolver.resolve(DOMAIN);
        assertEquals(3, records.calls(DOMAIN));
    }

    @Test
    void aChangedIdFetchesTheNewPolicyAndReplacesTheCachedOne() {
        publish("one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver();
        resolver.resolve(DOMAIN);

        publish("two", "enforce", 2 * WEEK, "mx.example.com");
        clock.advance(Duration.ofSeconds(300));
        StsResolution during = resolver.resolve(DOMAIN);
        assertEquals("one", known(during, Freshness.CACHED).policy().id());

        CachedStsPolicy replaced = resolver.cached(DOMAIN).orElseThrow();
        assertEquals("two", replaced.id());
        assertEquals(Duration.ofSeconds(2 * WEEK), replaced.policy().maxAge());
        assertEquals(clock.instant(), replaced.fetchedAt());
        assertEquals(1, events.idChanges.get());
        assertEquals(List.of(), events.downgrades, "a longer max_age with the same MX hosts is no downgrade");
        assertEquals("two", known(resolver.resolve(DOMAIN), Freshness.CACHED).policy().id());
    }

    @Test
    void everyHitServesTheSameBasisAndAChangedIdANewOneWithTheNewPatterns() {
        // The doors keep the answer text with the basis (StsBasis.rendering): it must be one object
        // per cached policy, and another once the policy changed.
        publish("one", "enforce", WEEK, "mx1.example.com");
        StsResolver resolver = resolver();
        resolver.resolve(DOMAIN);
        clock.advance(Duration.ofSeconds(1));
        StsOutcome.Known first = known(resolver.resolve(DOMAIN), Freshness.CACHED);
        assertSame(first.basis(), known(resolver.resolve(DOMAIN), Freshness.CACHED).basis());
        assertEquals("one", first.basis().id());

        publish("two", "enforce", WEEK, "mx2.example.com");
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        StsOutcome.Known after = known(resolver.resolve(DOMAIN), Freshness.CACHED);
        assertEquals("two", after.basis().id());
        assertEquals("mx2.example.com", after.basis().policy().mx().get(0).toStsForm());
        assertFalse(first.basis() == after.basis());
    }

    @Test
    void aChangedIdWhosePolicyIsInvalidOrUnreachableKeepsTheCachedPolicyServedStale() {
        publish("one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver();
        CachedStsPolicy original = known(resolver.resolve(DOMAIN), Freshness.FETCHED).policy();

        records.id(DOMAIN, "two");
        policies.serveText(DOMAIN, "version: STSv1\nmode: enforce\nmax_age: 86400\n");
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        assertEquals(1, events.failures(StsFailure.SYNTAX));
        StsResolution stale = resolver.resolve(DOMAIN);
        assertEquals(original, known(stale, Freshness.STALE).policy());
        assertEquals(1, events.stale.get());

        policies.fail(DOMAIN, StsFailure.TLS, "certificate expired");
        clock.advance(Duration.ofMinutes(5));
        resolver.resolve(DOMAIN);
        assertEquals(1, events.failures(StsFailure.TLS));
        assertEquals(original, known(resolver.resolve(DOMAIN), Freshness.STALE).policy());
        assertEquals("tls: certificate expired", resolver.state(DOMAIN).staleBecause().orElseThrow());

        policies.serve(DOMAIN, "enforce", WEEK, "mx.example.com");
        clock.advance(Duration.ofMinutes(5));
        resolver.resolve(DOMAIN);
        StsOutcome.Known recovered = known(resolver.resolve(DOMAIN), Freshness.CACHED);
        assertEquals("two", recovered.policy().id());
        assertTrue(resolver.state(DOMAIN).staleBecause().isEmpty());
    }

    @Test
    void duringAnOutageTheCachedPolicyIsServedStaleUntilMaxAgeAndThenNoLonger() {
        long maxAge = Duration.ofHours(1).toSeconds();
        publish("one", "enforce", maxAge, "mx.example.com");
        StsResolver resolver = resolver();
        resolver.resolve(DOMAIN);

        records.fail(DOMAIN, "SERVFAIL from 127.0.0.1");
        policies.fail(DOMAIN, StsFailure.CONNECT, "connection refused");
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        assertEquals(1, events.failures(StsFailure.DNS));
        for (int minute = 6; minute < 60; minute++) {
            clock.set(START.plus(Duration.ofMinutes(minute)));
            assertEquals("one", known(resolver.resolve(DOMAIN), Freshness.STALE).policy().id(),
                    "still served at minute " + minute);
        }
        clock.set(START.plusSeconds(maxAge).minusMillis(1));
        known(resolver.resolve(DOMAIN), Freshness.STALE);
        int lookups = records.calls(DOMAIN);
        assertTrue(lookups >= 10 && lookups <= 13, "retried every 5 minutes, not per request: " + lookups);

        clock.set(START.plusSeconds(maxAge));
        StsOutcome expired = resolver.resolve(DOMAIN).outcome().join();
        StsOutcome.Unusable unusable = assertInstanceOf(StsOutcome.Unusable.class, expired);
        assertEquals(StsFailure.DNS, unusable.kind());
        assertEquals(Optional.empty(), resolver.cached(DOMAIN));
    }

    @Test
    void aTxtRecordThatDisappearsLeavesTheCachedPolicyInUseUntilItExpires() {
        long maxAge = Duration.ofHours(1).toSeconds();
        publish("one", "enforce", maxAge, "mx.example.com");
        StsResolver resolver = resolver();
        resolver.resolve(DOMAIN);

        records.noRecord(DOMAIN);
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        assertEquals(2, records.calls(DOMAIN));
        clock.set(START.plusSeconds(maxAge).minusSeconds(1));
        assertEquals("one", known(resolver.resolve(DOMAIN), Freshness.CACHED).policy().id());

        clock.set(START.plusSeconds(maxAge));
        StsOutcome gone = resolver.resolve(DOMAIN).outcome().join();
        assertEquals(StsRecordRefusal.NO_RECORD, assertInstanceOf(StsOutcome.NoPolicy.class, gone).reason());
    }

    @Test
    void aPolicyPastItsMaxAgeIsFetchedAgain() {
        publish("one", "testing", 600, "mx.example.com");
        StsResolver resolver = resolver(StsSettings.DEFAULTS.withTxtRecheck(Duration.ofHours(1)));
        resolver.resolve(DOMAIN);
        clock.advance(Duration.ofSeconds(599));
        known(resolver.resolve(DOMAIN), Freshness.CACHED);
        assertEquals(1, policies.calls(DOMAIN));

        clock.advance(Duration.ofSeconds(1));
        StsOutcome.Known again = known(resolver.resolve(DOMAIN), Freshness.FETCHED);
        assertEquals(clock.instant(), again.policy().fetchedAt());
        assertEquals(2, records.calls(DOMAIN));
        assertEquals(2, policies.calls(DOMAIN));
    }

    @Test
    void modeNoneReplacesTheCachedPolicyIsKnownAndIsKeptUntilItsMaxAge() {
        publish("one", "enforce", WEEK, "mx.example.com");
        StsResolver resolver = resolver();
        resolver.resolve(DOMAIN);

        publish("two", "none", 3600);
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        StsOutcome.Known none = known(resolver.resolve(DOMAIN), Freshness.CACHED);
        assertEquals(StsMode.NONE, none.policy().policy().mode());
        assertEquals(StsMode.NONE, resolver.cached(DOMAIN).orElseThrow().policy().mode());
        assertEquals(List.of(DOMAIN + ": mode enforce -> none"), events.downgrades);

        clock.advance(Duration.ofSeconds(3599));
        resolver.resolve(DOMAIN);
        assertEquals(2, policies.calls(DOMAIN), "a none policy is not fetched again before its max_age");
    }

    @Test
    void aFirstContactWithModeNoneIsAKnownOutcome() {
        publish("one", "none", 3600);
        StsOutcome.Known known = known(resolver().resolve(DOMAIN), Freshness.FETCHED);
        assertEquals(StsMode.NONE, known.policy().policy().mode());
    }

    @Test
    void aPolicyWithMaxAgeZeroAnswersItsRequestAndIsNotCached() {
        publish("one", "enforce", 0, "mx.example.com");
        StsResolver resolver = resolver();
        known(resolver.resolve(DOMAIN), Freshness.FETCHED);
        assertEquals(Optional.empty(), resolver.cached(DOMAIN));
        known(resolver.resolve(DOMAIN), Freshness.FETCHED);
        assertEquals(2, policies.calls(DOMAIN));
    }

    @Test
    void aFailedFetchIsNotRetriedForFiveMinutesAndRequestsMeanwhileGetTheFailureAtOnce() {
        records.id(DOMAIN, "one");
        policies.fail(DOMAIN, StsFailure.TLS, "certificate not valid for mta-sts.example.com");
        StsResolver resolver = resolver();

        StsResolution first = resolver.resolve(DOMAIN);
        StsOutcome.Unusable failed = assertInstanceOf(StsOutcome.Unusable.class, settled(first));
        assertEquals(StsFailure.TLS, failed.kind());
        assertEquals("certificate not valid for mta-sts.example.com", failed.detail());
        assertTrue(failed.recordSeen());
        assertTrue(first.recordSeen());

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        StsResolution meanwhile = resolver.resolve(DOMAIN);
        assertEquals(failed, settled(meanwhile));
        assertTrue(meanwhile.recordSeen());
        assertEquals(1, records.calls(DOMAIN));
        assertEquals(1, policies.calls(DOMAIN));
        assertEquals(Optional.of(failed), resolver.state(DOMAIN).remembered());

        clock.advance(Duration.ofMillis(1));
        policies.serve(DOMAIN, "enforce", WEEK, "mx.example.com");
        known(resolver.resolve(DOMAIN), Freshness.FETCHED);
        assertEquals(2, records.calls(DOMAIN));
        assertEquals(2, policies.calls(DOMAIN));
        assertTrue(resolver.state(DOMAIN).remembered().isEmpty());
    }

    @Test
    void aFailedTxtLookupIsRateLimitedAndSaysNoRecordWasSeen() {
        records.fail(DOMAIN, "SERVFAIL");
        StsResolver resolver = resolver();
        StsOutcome.Unusable failed = assertInstanceOf(StsOutcome.Unusable.class,
                settled(resolver.resolve(DOMAIN)));
        assertEquals(StsFailure.DNS, failed.kind());
        assertFalse(failed.recordSeen());

        clock.advance(Duration.ofMinutes(4));
        StsResolution meanwhile = resolver.resolve(DOMAIN);
        assertFalse(meanwhile.recordSeen());
        assertEquals(failed, settled(meanwhile));
        assertEquals(1, records.calls(DOMAIN));
        assertEquals(0, policies.calls(DOMAIN));
        clock.advance(Duration.ofMinutes(1));
        resolver.resolve(DOMAIN);
        assertEquals(2, records.calls(DOMAIN));
    }

    @Test
    void dnsSayingNoRecordIsBelievedForTheRecheckInterval() {
        records.noRecord(DOMAIN);
        StsResolver resolver = resolver();
        StsResolution first = resolver.resolve(DOMAIN);
        assertEquals(StsRecordRefusal.NO_RECORD,
                assertInstanceOf(StsOutcome.NoPolicy.class, settled(first)).reason());
        assertFalse(first.recordSeen());

        clock.advance(Duration.ofSeconds(299));
        assertInstanceOf(StsOutcome.NoPolicy.class, settled(resolver.resolve(DOMAIN)));
        assertEquals(1, records.calls(DOMAIN));

        clock.advance(Duration.ofSeconds(1));
        publish("one", "enforce", WEEK, "mx.example.com");
        known(resolver.resolve(DOMAIN), Freshness.FETCHED);
        assertEquals(2, records.calls(DOMAIN));
    }

    @Test
    void recordSeenTurnsTrueAsSoonAsTheTxtRecordIsSeenWhileThePolicyIsStillBeingFetched() {
        publish("one", "enforce", WEEK, "mx.example.com");
        records.hold();
        policies.hold();
        StsResolution resolution = resolver().resolve(DOMAIN);
        assertFalse(resolution.recordSeen());
        assertFalse(resolution.outcome().isDone());

        records.release();
        assertTrue(resolution.recordSeen());
        assertFalse(resolution.outcome().isDone());

        policies.release();
        known(resolution, Freshness.FETCHED);
    }

    @Test
    void proactiveRefreshRefetchesAUsedPolicyBeforeItExpiresAndLeavesUnusedOnesAlone() {
        long day = Duration.ofDays(1).toSeconds();
        publish("one", "enforce", day, "mx.example.com");
        records.id("idle.example", "one");
        policies.serve("idle.example", "enforce", day, "mx.idle.example");
        StsResolver resolver = resolver(StsSettings.DEFAULTS.withTxtRecheck(Duration.ofDays(1)));
        resolver.resolve(DOMAIN);
        resolver.resolve("idle.example");
        // A quarter of a day's max_age: the refresh window opens 6 hours before expiry.
        Instant windowOpens = START.plus(Duration.ofHours(18));

        clock.set(windowOpens.minusMillis(1));
        assertEquals(0, resolver.refreshDue());
        clock.set(windowOpens);
        assertEquals(2, resolver.refreshDue(), "both were used since they were fetched");
        assertEquals(2, policies.calls(DOMAIN), "a refresh fetches even when the id is unchanged");
        assertEquals(windowOpens, resolver.cached(DOMAIN).orElseThrow().fetchedAt());

        // Only DOMAIN is used after the refresh; the idle one is left to expire.
        clock.advance(Duration.ofHours(1));
        known(resolver.resolve(DOMAIN), Freshness.CACHED);
        clock.set(windowOpens.plus(Duration.ofHours(18)));
        assertEquals(1, resolver.refreshDue());
        assertEquals(3, policies.calls(DOMAIN));
        assertEquals(2, policies.calls("idle.example"));
        clock.set(windowOpens.plus(Duration.ofDays(1)));
        resolver.refreshDue();
        assertEquals(Optional.empty(), resolver.cached("idle.example"));
    }

    @Test
    void aFailedProactiveRefreshKeepsThePolicyAndIsRetriedAfterTheRetryInterval() {
        long day = Duration.ofDays(1).toSeconds();
        publish("one", "enforce", day, "mx.example.com");
        StsResolver resolver = resolver(StsSettings.DEFAULTS.withTxtRecheck(Duration.ofDays(1)));
        resolver.resolve(DOMAIN);

        policies.fail(DOMAIN, StsFailure.TIMEOUT, "no answer in 60 s");
        clock.set(START.plus(Duration.ofHours(18)));
        assertEquals(1, resolver.refreshDue());
        assertEquals("one", known(resolver.resolve(DOMAIN), Freshness.STALE).policy().id());
        clock.advance(Duration.ofMinutes(4));
        assertEquals(0, resolver.refreshDue());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(1, resolver.refreshDue());
        assertEquals(3, policies.calls(DOMAIN));
    }

    @Test
    void refreshWindowsAreJitteredWithinTheFirstHalfOfTheWindow() {
        publish("one", "enforce", Duration.ofDays(1).toSeconds(), "mx.example.com");
        RandomGenerator late = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
        StsResolver resolver = new StsResolver(records, policies, clock, StsSettings.DEFAULTS, events,
                Optional.empty(), late, null);
        resolver.resolve(DOMAIN);
        Instant refreshAt = resolver.state(DOMAIN).refreshAt().orElseThrow();
        assertEquals(START.plus(Duration.ofHours(21)).minusMillis(1), refreshAt);
    }

    @Test
    void aWeakerPolicyIsAcceptedAndReportedAsADowngrade() {
        publish("one", "enforce", WEEK, "mx1.example.com", "*.mail.example.com");
        StsResolver resolver = resolver();
        resolver.resolve(DOMAIN);

        publish("two", "enforce", WEEK, "mx1.example.com", "a.mail.example.com", "*.example.com");
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        assertEquals("two", resolver.cached(DOMAIN).orElseThrow().id(), "accepted");
        assertEquals(List.of(DOMAIN + ": mx not covered by the cached policy: *.example.com"), events.downgrades);

        publish("three", "testing", WEEK, "mx1.example.com");
        clock.advance(Duration.ofSeconds(300));
        resolver.resolve(DOMAIN);
        assertEquals("three", resolver.cached(DOMAIN).orElseThrow().id());
        assertEquals(DOMAIN + ": mode enforce -> testing", events.downgrades.get(1));
        assertEquals(2, events.idChanges.get());
    }

    @Test
    void theCacheHoldsAtMostMaxEntriesPolicies() {
        StsResolver resolver = resolver(StsSettings.DEFAULTS.withMaxEntries(3));
        for (int i = 0; i < 10; i++) {
            String domain = "d" + i + ".example";
            records.id(domain, "one");
            policies.serve(domain, "enforce", WEEK, "mx." + domain);
            known(resolver.resolve(domain), Freshness.FETCHED);
        }
        resolver.cleanUp();
        assertTrue(resolver.size() <= 3, "size " + resolver.size());
    }

    @Test
    void sourcesThatBreakTheirContractStillGiveAnOutcome() {
        StsRecordSource throwing = domain -> {
            throw new IllegalStateException("bug in the DNS client");
        };
        StsResolver first = new StsResolver(throwing, policies, clock, StsSettings.DEFAULTS, events, Optional.empty(),
                NO_JITTER, null);
        assertInstanceOf(StsOutcome.Unusable.class, settled(first.resolve(DOMAIN)));

        records.id(DOMAIN, "one");
        StsPolicySource failing = domain -> CompletableFuture.failedFuture(new IllegalStateException("bug"));
        StsResolver second = new StsResolver(records, failing, clock, StsSettings.DEFAULTS, events, Optional.empty(),
                NO_JITTER, null);
        StsOutcome.Unusable unusable = assertInstanceOf(StsOutcome.Unusable.class, settled(second.resolve(DOMAIN)));
        assertTrue(unusable.recordSeen());
    }
}
