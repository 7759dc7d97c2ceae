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
 * @param domains domains whose mail the list's answers constrain now
 * @param nothingBecause why nothing is enforced, or null when {@code domains > 0}
 */
record Enforcement(int domains, String nothingBecause) {

    static Enforcement of(VerifiedList list, EngineSettings rules, Instant now) {
        if (list == null) {
            return new Enforcement(0, "no verified list is active; every lookup answers TEMP, so mail is deferred");
        }
        int enforced = list.list().count(PolicyMode.ENFORCE);
        int testing = list.list().count(PolicyMode.TESTING);
        int domains = enforced + (rules.testingDomains() == TestingDomains.ENFORCE ? testing : 0);
        if (list.list().isExpiredAt(now) && rules.expiredList() == ExpiredList.ENFORCE_NOTHING) {
            return new Enforcement(0, "the list expired at " + list.list().expires() + " and expired-list is "
                    + SettingNames.name(ExpiredList.ENFORCE_NOTHING) + "; every answer is NOTFOUND / DUNNO");
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
        return nothingBecause == null ? "enforcing: " + domains + (domains == 1 ? " domain" : " domains")
                : "enforcing NOTHING (" + nothingBecause + ")";
    }
}
