package org.starttls.policyd.server.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.Overrides;

/**
 * What an operator must hear about the local overrides: those that stop applying within
 * {@link #WARN_BEFORE} (logged at start and on every reload, printed by {@code --check-config},
 * counted by {@code policyctl status}), and those already past their day, which apply no more.
 */
public final class OverrideWarnings {
    /** How long before its {@code expires} day an override is announced. */
    public static final Duration WARN_BEFORE = Duration.ofDays(7);

    private OverrideWarnings() {
    }

    /** One sentence per override that expires soon or has expired, in file order. */
    public static List<String> of(Overrides overrides, Instant now) {
        List<String> warnings = new ArrayList<>();
        for (LocalOverride soon : overrides.expiringWithin(now, WARN_BEFORE)) {
            warnings.add("the local override of " + soon.name() + " (line " + soon.line() + ", "
                    + soon.policy().wireName() + ") stops applying after " + soon.expires()
                    + "; renew its expires or remove it");
        }
        for (LocalOverride past : overrides.expired(now)) {
            warnings.add("the local override of " + past.name() + " (line " + past.line() + ") expired on "
                    + past.expires() + " and no longer applies; remove it from the overrides file");
        }
        return warnings;
    }
}
