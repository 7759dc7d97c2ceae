package org.starttls.policyd.fetcher.sts;

import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsPolicy;

/**
 * Whether a newly fetched policy protects less than the one it replaces: a lower mode
 * ({@code enforce} to {@code testing} or {@code none}, {@code testing} to {@code none}), or MX
 * patterns that accept a host the old ones did not. A shorter {@code max_age} is not counted: it
 * is how a domain prepares a change (RFC 8461 section 8.3), and the policy still protects as much.
 * The policy is accepted either way (the domain may change it); this only names the change for
 * the log and the metrics, which is what an attacker who controls the policy host would cause.
 */
final class StsDowngrade {
    private StsDowngrade() {
    }

    /** How {@code fresh} is weaker than {@code old}, one sentence, or null when it is not. */
    static String describe(StsPolicy old, StsPolicy fresh) {
        if (rank(fresh.mode()) < rank(old.mode())) {
            return "mode " + old.mode().wireName() + " -> " + fresh.mode().wireName();
        }
        if (fresh.mode() == StsMode.NONE || old.mode() == StsMode.NONE) {
            // Nothing to narrow: "none" names no MX hosts, and protected nothing before.
            return null;
        }
        List<String> wider = new ArrayList<>();
        for (StsMxPattern pattern : fresh.mx()) {
            if (!coveredBy(pattern, old.mx())) {
                wider.add(pattern.toStsForm());
            }
        }
        return wider.isEmpty() ? null : "mx not covered by the cached policy: " + String.join(", ", wider);
    }

    private static int rank(StsMode mode) {
        switch (mode) {
            case ENFORCE:
                return 2;
            case TESTING:
                return 1;
            default:
                return 0;
        }
    }

    /** Every host {@code pattern} accepts is accepted by one of {@code old}. */
    private static boolean coveredBy(StsMxPattern pattern, List<StsMxPattern> old) {
        for (StsMxPattern candidate : old) {
            if (candidate.equals(pattern)) {
                return true;
            }
            if (!pattern.isWildcard() && candidate.isWildcard() && candidate.matches(pattern.toStsForm())) {
                return true;
            }
        }
        return false;
    }
}
