package org.starttls.policyd.server.e2e;

import static org.starttls.policyd.server.e2e.E2EDomains.DOWNGRADED;
import static org.starttls.policyd.server.e2e.E2EDomains.ENFORCE;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

/**
 * The preload list {@link E2EDomains} describes, signed in the test by a key minted for it and read
 * back through the real {@link ListVerifier} (signature first, then the parser), so the daemon's
 * doors decide from a list that took the same path as one from the fetcher.
 */
final class SignedE2EList {
    static final Instant TIMESTAMP = Instant.parse("2024-03-01T00:00:00Z");
    static final Instant EXPIRES = Instant.parse("2024-03-15T00:00:00Z");
    /** Frozen inside the list's window: the test does not age out. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-02T12:00:00Z"), ZoneOffset.UTC);
    /** The MX pattern each listed domain gets; the sink is reached by name, so it is never checked here. */
    static final String MX_PREFIX = ".mx.";
    /** What the test's downgrade signal says about {@link E2EDomains#DOWNGRADED}. */
    static final String DOWNGRADE_REASON = "STARTTLS was stripped on the path to its MX";

    private SignedE2EList() {}

    /** An engine with EFF's default rules and the signed, verified list installed. */
    static PolicyEngine engine() {
        TestLists.Signed signed = TestLists.signed(TestKeys.primary(), TIMESTAMP, TIMESTAMP, EXPIRES,
                Map.of(ENFORCE, MX_PREFIX + ENFORCE, DOWNGRADED, MX_PREFIX + DOWNGRADED));
        try {
            VerifiedList list = new ListVerifier(TestKeys.primary().keyring())
                    .verify(signed.list(), signed.signature(), "e2e test list");
            return new PolicyEngine(CLOCK, EngineSettings.DEFAULTS, list);
        } catch (ListRejectedException e) {
            throw new IllegalStateException("the list signed in the test was rejected", e);
        }
    }

    /**
     * The list's decisions, with {@link E2EDomains#DOWNGRADED} marked as under a downgrade. A true
     * seam: the downgrade detector that will know this is not written yet, and it plugs in exactly
     * here ({@link ReceiptDecider}).
     */
    static ReceiptDecider withDowngradeOn(PolicyEngine engine, String downgradedDomain) {
        return domain -> {
            Decision decision = engine.decide(domain);
            return decision.verdict() == Verdict.REQUIRE_TLS && decision.domain().equals(downgradedDomain)
                    ? decision.underDowngrade(DOWNGRADE_REASON) : decision;
        };
    }
}
