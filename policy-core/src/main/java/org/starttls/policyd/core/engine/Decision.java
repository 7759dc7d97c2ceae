package org.starttls.policyd.core.engine;

import java.util.Objects;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * The engine's answer for one destination, as a value: the verdict, the policy it rests on and a
 * sentence saying why, which the doors log and {@code policyctl} prints.
 *
 * @param verdict what the MTA must be told
 * @param domain the normalised destination domain, or the raw key when it was not a domain
 * @param policy the list's policy for the domain, or null when it is not listed
 * @param reason why, in one sentence for an operator
 */
public record Decision(Verdict verdict, String domain, TlsPolicy policy, String reason) {
    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(reason, "reason");
        if ((verdict == Verdict.REQUIRE_TLS || verdict == Verdict.DEFER_DOWNGRADE) && policy == null) {
            throw new IllegalArgumentException(verdict + " needs the policy it enforces");
        }
    }

    public static Decision requireTls(String domain, TlsPolicy policy, String reason) {
        return new Decision(Verdict.REQUIRE_TLS, domain, policy, reason);
    }

    public static Decision noPolicy(String domain, TlsPolicy policyOrNull, String reason) {
        return new Decision(Verdict.NO_POLICY, domain, policyOrNull, reason);
    }

    public static Decision tempfail(String domain, String reason) {
        return new Decision(Verdict.TEMPFAIL, domain, null, reason);
    }

    /** The same destination, now known to be under a downgrade (from the probe, a later stage). */
    public Decision underDowngrade(String why) {
        if (verdict != Verdict.REQUIRE_TLS) {
            throw new IllegalStateException("only an enforced domain can be deferred for a downgrade");
        }
        return new Decision(Verdict.DEFER_DOWNGRADE, domain, policy, why);
    }

    /** Whether the list names this domain at all (whatever the verdict). */
    public boolean listed() {
        return policy != null;
    }

    /** The list's mode for the domain, or null when it is not listed. */
    public PolicyMode mode() {
        return policy == null ? null : policy.mode();
    }
}
