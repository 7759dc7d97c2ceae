package org.starttls.policyd.server.probe;

import org.starttls.policyd.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.OverridePolicy;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.server.sts.StsEvidenceOf;
import org.starttls.policyd.server.testing.ControlledStsLookup;

/**
 * The detector's rules with a prober that answers from a table the test controls (the network
 * side is {@link DomainProberTest}'s): per-domain results, good and bad lifetimes on the injected
 * clock, one probe in flight per domain, the wait budget, enforce versus testing mode.
 */
class DowngradeDetectorTest {
    private static final TlsPolicy ENFORCE = new TlsPolicy(PolicyMode.ENFORCE, List.of(MxPattern.of(".mx.test")), null);
    private static final TlsPolicy TESTING = new TlsPolicy(PolicyMode.TESTING, List.of(MxPattern.of(".mx.test")), null);
    private static final Instant START = Instant.parse("2026-03-10T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final Map<String, DomainStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> probeCounts = new ConcurrentHashMap<>();
    private DowngradeDetector detector;

    private final DowngradeDetector.Prober tableProber = (domain, policy) -> {
        probeCounts.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
        DomainStatus status = statuses.getOrDefault(domain, DomainStatus.UNKNOWN);
        return new DomainReport(domain, policy, status, List.of(), status == DomainStatus.DOWNGRADE
                ? "STARTTLS downgrade: every reachable MX failed: mx1.mx.test starttls-not-supported" : "fine",
                clock.instant());
    };

    private static ProbeSettings settings(Duration wait) {
        return ProbeSettings.DISABLED.withEnabled(true).withLifetimes(Duration.ofMinutes(60), Duration.ofMinutes(5))
                .withWaitBudget(wait);
    }

    /** The list's decisions: the domains named "testing-..." are in testing mode, the rest enforce. */
    private static final ReceiptDecider LIST = domain -> domain.startsWith("unlisted")
            ? Decision.noPolicy(domain, null, "not in the list")
            : domain.startsWith("testing") ? Decision.noPolicy(domain, TESTING, "testing mode")
            : Decision.requireTls(domain, ENFORCE, "listed in enforce mode");

    @AfterEach
    void stop() {
        if (detector != null) {
            detector.close();
        }
    }

    private int probes(String domain) {
        AtomicInteger count = probeCounts.get(domain);
        return count == null ? 0 : count.get();
    }

    @Test
    void anEnforcedDomainUnderDowngradeIsDeferredWithTheFailureNamed() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);
        statuses.put("broken.test", DomainStatus.DOWNGRADE);

        Decision decision = detector.layer(LIST).decideAtReceipt("broken.test");

        assertEquals(Verdict.DEFER_DOWNGRADE, decision.verdict());
        assertTrue(decision.reason().contains("starttls-not-supported"), decision.reason());
    }

    @Test
    void secureAndUnknownDomainsKeepTheListDecision() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);
        statuses.put("fine.test", DomainStatus.SECURE);
        statuses.put("dark.test", DomainStatus.UNKNOWN);

        assertEquals(Verdict.REQUIRE_TLS, detector.layer(LIST).decideAtReceipt("fine.test").verdict());
        assertEquals(Verdict.REQUIRE_TLS, detector.layer(LIST).decideAtReceipt("dark.test").verdict());
    }

    @Test
    void aTestingDomainUnderDowngradeIsProbedButNeverDeferred() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);
        statuses.put("testing.test", DomainStatus.DOWNGRADE);

        Decision decision = detector.layer(LIST).decideAtReceipt("testing.test");

        assertEquals(Verdict.NO_POLICY, decision.verdict());
        assertEquals(1, probes("testing.test"));
        assertEquals(DomainStatus.DOWNGRADE, detector.reportFor("testing.test", TESTING).status());
    }

    @Test
    void aSecureOverrideIsProbedWithItsOwnPatternsAndANoneOverrideIsExempt() {
        statuses.put("broken.test", DomainStatus.DOWNGRADE);
        LocalOverride pinned = new LocalOverride("broken.test", OverridePolicy.SECURE, List.of(MxPattern.of("mx.pinned.test")),
                "pinned", null, 1);
        LocalOverride exempt = new LocalOverride("broken.test", OverridePolicy.NONE, List.of(), "exempt", null, 1);
        List<TlsPolicy> probedWith = new java.util.ArrayList<>();
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), (domain, policy) -> {
            probedWith.add(policy);
            return tableProber.probe(domain, policy);
        }, clock);

        Decision deferred = detector.layer(domain -> Decision.override(domain, pinned)).decideAtReceipt("broken.test");
        assertEquals(Verdict.DEFER_DOWNGRADE, deferred.verdict());
        assertEquals(List.of(MxPattern.of("mx.pinned.test")), probedWith.get(0).mxs());
        Decision kept = detector.layer(domain -> Decision.override(domain, exempt)).decideAtReceipt("broken.test");
        assertEquals(Verdict.NO_POLICY, kept.verdict());
        assertEquals(1, probedWith.size(), "an exempt domain is not probed");
    }

    /** A decision of the domain's own MTA-STS policy (patterns mx1.DOMAIN and *.DOMAIN), as the engine makes it. */
    private static Decision byMtaSts(String domain, String mode, TestingDomains testing) {
        PolicyEngine engine = new PolicyEngine(Clock.fixed(START, java.time.ZoneOffset.UTC),
                EngineSettings.DEFAULTS.withTestingDomains(testing));
        StsOutcome.Known known = ControlledStsLookup.known(domain, mode, START);
        return engine.decide(domain, StsEvidenceOf.outcome(known));
    }

    @Test
    void anMtaStsEnforcedDomainIsProbedWithItsPolicysPatternsAndDeferredUnderDowngrade() {
        statuses.put("sts.test", DomainStatus.DOWNGRADE);
        List<TlsPolicy> probedWith = new java.util.ArrayList<>();
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), (domain, policy) -> {
            probedWith.add(policy);
            return tableProber.probe(domain, policy);
        }, clock);

        Decision decision = detector.layer(domain -> byMtaSts(domain, "enforce", TestingDomains.REPORT_ONLY))
                .decideAtReceipt("sts.test");

        assertEquals(Verdict.DEFER_DOWNGRADE, decision.verdict());
        assertEquals(DecisionSource.MTA_STS, decision.source());
        assertEquals(List.of(MxPattern.of("mx1.sts.test"), MxPattern.of(".sts.test")), probedWith.get(0).mxs(),
                "the STS patterns as Postfix's match= applies them at delivery");
        assertEquals(PolicyMode.ENFORCE, probedWith.get(0).mode());
    }

    @Test
    void anMtaStsTestingPolicyIsNotDeferredEvenWhenTheEarlyAdopterSettingEnforcesIt() {
        statuses.put("sts.test", DomainStatus.DOWNGRADE);
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);

        Decision reportOnly = detector.layer(domain -> byMtaSts(domain, "testing", TestingDomains.REPORT_ONLY))
                .decideAtReceipt("sts.test");
        assertEquals(Verdict.NO_POLICY, reportOnly.verdict());
        assertEquals(0, probes("sts.test"), "not protected, so not probed");

        Decision early = detector.layer(domain -> byMtaSts(domain, "testing", TestingDomains.ENFORCE))
                .decideAtReceipt("sts.test");
        assertEquals(Verdict.REQUIRE_TLS, early.verdict(), "probed and logged, as a testing-mode list entry");
        assertEquals(1, probes("sts.test"));
    }

    @Test
    void aDaneDecisionIsProbedForStarttlsOnlyNeverAgainstAPolicy() {
        List<PolicyMode> starttlsOnly = new java.util.ArrayList<>();
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), new DowngradeDetector.Prober() {
            @Override
            public DomainReport probe(String domain, TlsPolicy policy) {
                return tableProber.probe(domain, policy);
            }

            @Override
            public DomainReport probeStarttlsOnly(String domain, PolicyMode mode) {
                starttlsOnly.add(mode);
                return new DomainReport(domain, new TlsPolicy(mode, List.of(MxPattern.of("mx1.dane.test")), null),
                        DomainStatus.DOWNGRADE, List.of(), "STARTTLS downgrade: mx1.dane.test starttls-not-supported",
                        clock.instant());
            }
        }, clock);

        Decision deferred = detector.layer(domain -> Decision.dane(Verdict.DANE_ONLY, domain, null, "DANE: test"))
                .decideAtReceipt("dane.test");
        Decision logged = detector.layer(domain -> Decision.dane(Verdict.DANE, domain, null, "DANE: test"))
                .decideAtReceipt("partial.test");

        assertEquals(Verdict.DEFER_DOWNGRADE, deferred.verdict());
        assertEquals(Verdict.DANE, logged.verdict(), "dane (not every MX has TLSA) is logged, never deferred");
        assertEquals(List.of(PolicyMode.ENFORCE, PolicyMode.TESTING), starttlsOnly);
        assertEquals(0, probes("dane.test") + probes("partial.test"), "never the WebPKI probe");
    }

    @Test
    void aDetectorWhoseProberCannotProbeDaneLeavesDaneDecisionsAlone() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);

        Decision decision = detector.layer(domain -> Decision.dane(Verdict.DANE_ONLY, domain, null, "DANE: test"))
                .decideAtReceipt("dane.test");

        assertEquals(Verdict.DANE_ONLY, decision.verdict());
        assertEquals(0, probes("dane.test"));
    }

    @Test
    void anUnlistedDomainIsNeverProbed() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);

        assertEquals(Verdict.NO_POLICY, detector.layer(LIST).decideAtReceipt("unlisted.test").verdict());
        assertEquals(0, probes("unlisted.test"));
    }

    @Test
    void goodResultsLiveTheGoodLifetimeAndBadOnesTheBadLifetime() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);
        statuses.put("good.test", DomainStatus.SECURE);
        statuses.put("bad.test", DomainStatus.DOWNGRADE);
        ReceiptDecider layer = detector.layer(LIST);
        layer.decideAtReceipt("good.test");
        layer.decideAtReceipt("bad.test");

        clock.advance(Duration.ofMinutes(4));
        layer.decideAtReceipt("good.test");
        layer.decideAtReceipt("bad.test");
        assertEquals(1, probes("good.test"));
        assertEquals(1, probes("bad.test"));

        clock.advance(Duration.ofMinutes(2)); // 6 minutes: the bad result is gone, the good one stays
        statuses.put("bad.test", DomainStatus.SECURE);
        assertEquals(Verdict.REQUIRE_TLS, layer.decideAtReceipt("bad.test").verdict());
        layer.decideAtReceipt("good.test");
        assertEquals(2, probes("bad.test"));
        assertEquals(1, probes("good.test"));

        clock.advance(Duration.ofMinutes(55)); // 61 minutes
        layer.decideAtReceipt("good.test");
        assertEquals(2, probes("good.test"));
    }

    @Test
    void resultsAreKeptPerDomainNotPerMxHost() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);
        statuses.put("a.test", DomainStatus.DOWNGRADE);
        statuses.put("b.test", DomainStatus.SECURE); // same MX patterns, another domain

        assertEquals(Verdict.DEFER_DOWNGRADE, detector.layer(LIST).decideAtReceipt("a.test").verdict());
        assertEquals(Verdict.REQUIRE_TLS, detector.layer(LIST).decideAtReceipt("b.test").verdict());
    }

    @Test
    void withoutAWaitBudgetACacheMissAnswersFromTheListAndProbesInTheBackground() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch probed = new CountDownLatch(1);
        detector = new DowngradeDetector(settings(Duration.ZERO), (domain, policy) -> {
            await(release);
            DomainReport report = tableProber.probe(domain, policy);
            probed.countDown();
            return report;
        }, clock);
        statuses.put("slow.test", DomainStatus.DOWNGRADE);

        assertEquals(Verdict.REQUIRE_TLS, detector.layer(LIST).decideAtReceipt("slow.test").verdict());
        release.countDown();
        assertTrue(probed.await(10, TimeUnit.SECONDS));
        awaitReport("slow.test");

        assertEquals(Verdict.DEFER_DOWNGRADE, detector.layer(LIST).decideAtReceipt("slow.test").verdict());
        assertEquals(1, probes("slow.test"));
    }

    @Test
    void aWaitBudgetThatRunsOutAnswersFromTheList() {
        CountDownLatch release = new CountDownLatch(1);
        detector = new DowngradeDetector(settings(Duration.ofMillis(50)), (domain, policy) -> {
            await(release);
            return tableProber.probe(domain, policy);
        }, clock);
        statuses.put("stuck.test", DomainStatus.DOWNGRADE);
        try {
            assertEquals(Verdict.REQUIRE_TLS, detector.layer(LIST).decideAtReceipt("stuck.test").verdict());
        } finally {
            release.countDown();
        }
    }

    @Test
    void concurrentMissesShareOneProbe() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        detector = new DowngradeDetector(settings(Duration.ZERO), (domain, policy) -> {
            started.countDown();
            await(release);
            return tableProber.probe(domain, policy);
        }, clock);
        statuses.put("busy.test", DomainStatus.SECURE);

        for (int i = 0; i < 20; i++) {
            assertNull(detector.reportFor("busy.test", ENFORCE));
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        release.countDown();
        awaitReport("busy.test");

        assertEquals(1, probes("busy.test"));
    }

    @Test
    void anEventLoopThreadNeverWaitsWhateverTheBudget() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        detector = new DowngradeDetector(settings(Duration.ofSeconds(30)), (domain, policy) -> {
            await(release);
            return tableProber.probe(domain, policy);
        }, clock);
        statuses.put("loop.test", DomainStatus.DOWNGRADE);
        AtomicReference<Decision> seen = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> seen.set(detector.layer(LIST).decideAtReceipt("loop.test")));
        try {
            loop.start();
            loop.join(5_000);
            assertEquals(Verdict.REQUIRE_TLS, seen.get().verdict(), "answered at once from the list");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aProbeThatThrowsConcludesNothingAndIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), (domain, policy) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return tableProber.probe(domain, policy);
        }, clock);
        statuses.put("flaky.test", DomainStatus.DOWNGRADE);

        assertEquals(Verdict.REQUIRE_TLS, detector.layer(LIST).decideAtReceipt("flaky.test").verdict());
        assertEquals(Verdict.DEFER_DOWNGRADE, detector.layer(LIST).decideAtReceipt("flaky.test").verdict());
    }

    @Test
    void aChangedPolicyIsProbedAfresh() {
        detector = new DowngradeDetector(settings(Duration.ofSeconds(10)), tableProber, clock);
        statuses.put("moved.test", DomainStatus.SECURE);
        DomainReport first = detector.reportFor("moved.test", ENFORCE);
        TlsPolicy other = new TlsPolicy(PolicyMode.ENFORCE, List.of(MxPattern.of(".new.test")), null);

        assertSame(first, detector.reportFor("moved.test", ENFORCE));
        assertEquals(other, detector.reportFor("moved.test", other).policy());
        assertEquals(2, probes("moved.test"));
    }

    private void awaitReport(String domain) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a hang guard
        while (detector.reportFor(domain, ENFORCE) == null) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no report for " + domain);
            }
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the probe");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
