package org.starttls.policyd.server.daemon;

import java.time.Instant;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.server.config.SettingNames;

/**
 * What the daemon enforces right now, in one sentence an operator cannot misread: how many
 * domains get a TLS requirement (or a deferral) from the list under the daemon's rules, or why
 * the answer is nothing at all.
 *
 * <p>With live MTA-STS on, every domain that publishes an {@code enforce} policy is protected
 * whatever the list says, so the sentence never says "NOTHING" then: it names MTA-STS and what the
 * list adds (or why it adds nothing).
 *
 * @param domains domains whose mail the list's answers constrain now
 * @param nothingBecause why the list enforces nothing, or null when {@code domains > 0}
 * @param mtaSts whether live MTA-STS answers too
 */
record Enforcement(int domains, String nothingBecause, boolean mtaSts) {

    /** True of the list's answers alone: with MTA-STS on, a domain's own policy still answers. */
    private static final String EVERY_ANSWER_NOTFOUND = "; every answer is NOTFOUND / DUNNO";

    Enforcement(int domains, String nothingBecause) {
        this(domains, nothingBecause, false);
    }

    /** As {@link #of(VerifiedList, EngineSettings, Instant)}, with live MTA-STS on or off. */
    static Enforcement of(VerifiedList list, EngineSettings rules, Instant now, boolean mtaSts) {
        Enforcement fromList = of(list, rules, now);
        if (!mtaSts || list == null) {
            return fromList;
        }
        String because = fromList.nothingBecause == null ? null : fromList.nothingBecause.replace(EVERY_ANSWER_NOTFOUND, "");
        return new Enforcement(fromList.domains, because, true);
    }

    static Enforcement of(VerifiedList list, EngineSettings rules, Instant now) {
        if (list == null) {
            return new Enforcement(0, "no verified list is active; every lookup answers TEMP, so mail is deferred");
        }
        int enforced = list.list().count(PolicyMode.ENFORCE);
        int testing = list.list().count(PolicyMode.TESTING);
        int domains = enforced + (rules.testingDomains() == TestingDomains.ENFORCE ? testing : 0);
        if (list.list().isExpiredAt(now) && rules.expiredList() == ExpiredList.ENFORCE_NOTHING) {
            return new Enforcement(0, "the list expired at " + list.list().expires() + " and expired-list is "
                    + SettingNames.name(ExpiredList.ENFORCE_NOTHING) + EVERY_ANSWER_NOTFOUND);
        }
        if (list.list().isExpiredAt(now) && rules.expiredList() == ExpiredList.TEMPFAIL_LISTED) {
            // Mail to the listed domains is deferred, not delivered under TLS: still a constraint.
            return domains > 0 ? new Enforcement(domains, null) : new Enforcement(0, "the list expired at "
                    + list.list().expires() + " and lists no enforce-mode domains");
        }
        if (domains == 0) {
            return new Enforcement(0, testing > 0 ? "the list's " + testing
                    + " domains are all in testing mode and testing-domains is report-only"
                    : "the list has no domains");
        }
        return new Enforcement(domains, null);
    }

    /** {@code enforcing: 42 domains} or {@code enforcing NOTHING (why)}. */
    String describe() {
        String listed = domains + (domains == 1 ? " domain" : " domains");
        if (mtaSts) {
            return nothingBecause == null ? "enforcing: MTA-STS wherever a domain publishes it, and " + listed + " from the list"
                    : "enforcing: MTA-STS wherever a domain publishes it; the list adds nothing (" + nothingBecause + ")";
        }
        return nothingBecause == null ? "enforcing: " + listed : "enforcing NOTHING (" + nothingBecause + ")";
    }
}
