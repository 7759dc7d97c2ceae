package org.starttls.policyd.cli;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * What a static table exported from a list holds: for every listed domain, in name order, the
 * decision the daemon's engine would take at one instant under the chosen rules. The exporters
 * only format it, so a static table says exactly what the socketmap would have said at that time.
 *
 * @param list the verified list exported
 * @param at the instant the decisions were taken
 * @param settings the engine rules used
 * @param entries one entry per listed domain
 */
record ExportPlan(VerifiedList list, Instant at, EngineSettings settings, List<Entry> entries) {

    /** One listed domain: its policy from the list, and whether the table enforces it. */
    record Entry(String domain, TlsPolicy policy, Decision decision) {
        boolean enforced() {
            return decision.verdict() == Verdict.REQUIRE_TLS;
        }
    }

    ExportPlan {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(settings, "settings");
        entries = List.copyOf(entries);
    }

    /**
     * Decides every listed domain now. A static table cannot defer, so {@code tempfail-listed} is
     * refused by the callers before this point.
     */
    static ExportPlan of(VerifiedList list, Clock clock, EngineSettings settings) {
        if (settings.expiredList() == ExpiredList.TEMPFAIL_LISTED) {
            throw new IllegalArgumentException("a static table cannot defer: tempfail-listed is not exportable");
        }
        Clock frozen = Clock.fixed(clock.instant(), clock.getZone());
        PolicyEngine engine = new PolicyEngine(frozen, settings, list);
        List<Entry> entries = new ArrayList<>(list.list().size());
        list.list().sortedPolicies().forEach((domain, policy) ->
                entries.add(new Entry(domain, policy, engine.decide(domain))));
        return new ExportPlan(list, frozen.instant(), settings, entries);
    }

    boolean expired() {
        return list.list().isExpiredAt(at);
    }

    /** Whether nothing is enforced because the list expired (EFF's rule). */
    boolean expiredAndEnforcingNothing() {
        return expired() && settings.expiredList() == ExpiredList.ENFORCE_NOTHING;
    }

    long enforcedCount() {
        return entries.stream().filter(Entry::enforced).count();
    }
}
