package org.starttls.policyd.core.engine;

import java.util.Objects;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * The engine's answer for one destination, as a value: the verdict, the source that decided, the
 * policy it rests on and a sentence saying why, which the doors log and {@code policyctl} prints.
 *
 * @param verdict what the MTA must be told
 * @param domain the normalised destination domain, or the raw key when it was not a domain
 * @param policy the list's policy for the domain, or null when it is not listed (kept whichever
 *     source decided, so an operator sees both)
 * @param reason why, in one sentence for an operator
 * @param source the source that decided
 * @param sts the MTA-STS policy the decision rests on when {@code source} is
 *     {@link DecisionSource#MTA_STS}, else null
 * @param override the local override that decided when {@code source} is
 *     {@link DecisionSource#OVERRIDE}, else null
 */
public record Decision(Verdict verdict, String domain, TlsPolicy policy, String reason, DecisionSource source,
        StsBasis sts, LocalOverride override) {
    /** A decision of a source other than a local override. */
    public Decision(Verdict verdict, String domain, TlsPolicy policy, String reason, DecisionSource source, StsBasis sts) {
        this(verdict, domain, policy, reason, source, sts, null);
    }

    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        if ((sts != null) != (source == DecisionSource.MTA_STS && verdict != Verdict.TEMPFAIL)) {
            throw new IllegalArgumentException("an MTA-STS policy goes with an MTA-STS decision that is not a tempfail");
        }
        if ((override != null) != (source == DecisionSource.OVERRIDE)) {
            throw new IllegalArgumentException("a local override goes with an override decision");
        }
        if (override != null) {
            Verdict expected = override.policy().verdict();
            if (verdict != expected && !(verdict == Verdict.DEFER_DOWNGRADE && expected == Verdict.REQUIRE_TLS)) {
                throw new IllegalArgumentException("a " + override.policy().wireName() + " override cannot decide " + verdict);
            }
        } else if ((verdict == Verdict.DANE_ONLY || verdict == Verdict.DANE) != (source == DecisionSource.DANE
                && verdict != Verdict.TEMPFAIL && verdict != Verdict.DEFER_DOWNGRADE)) {
            throw new IllegalArgumentException("a DANE verdict goes with a DANE decision");
        } else if (verdict == Verdict.ENCRYPT) {
            throw new IllegalArgumentException("only a local override decides encrypt");
        }
        if ((verdict == Verdict.REQUIRE_TLS || verdict == Verdict.DEFER_DOWNGRADE) && override == null
                && source != DecisionSource.DANE) { // DANE's evidence is its TLSA records, not a policy
            if (source == DecisionSource.LIST ? policy == null : sts == null) {
                throw new IllegalArgumentException(verdict + " needs the policy it enforces");
            }
        }
    }

    /** The list requires TLS for a listed domain. */
    public static Decision requireTls(String domain, TlsPolicy policy, String reason) {
        return new Decision(Verdict.REQUIRE_TLS, domain, policy, reason, DecisionSource.LIST, null);
    }

    /** No policy: from the list when it names the domain, else from no source at all. */
    public static Decision noPolicy(String domain, TlsPolicy policyOrNull, String reason) {
        return new Decision(Verdict.NO_POLICY, domain, policyOrNull, reason,
                policyOrNull == null ? DecisionSource.NONE : DecisionSource.LIST, null);
    }

    /** No safe answer now (no list loaded, an internal error): the MTA must try again. */
    public static Decision tempfail(String domain, String reason) {
        return new Decision(Verdict.TEMPFAIL, domain, null, reason, DecisionSource.NONE, null);
    }

    /** DANE decides ({@code dane-only}, {@code dane}, or a tempfail when the MX RRset is unknown). */
    public static Decision dane(Verdict verdict, String domain, TlsPolicy policyOrNull, String reason) {
        if (verdict != Verdict.DANE_ONLY && verdict != Verdict.DANE && verdict != Verdict.TEMPFAIL) {
            throw new IllegalArgumentException("DANE cannot decide " + verdict);
        }
        return new Decision(verdict, domain, policyOrNull, reason, DecisionSource.DANE, null);
    }

    /**
     * A local override decides: its policy, whatever the sources say (they are not asked). The
     * list's policy is not carried: {@code policyctl lookup} shows it beside.
     */
    public static Decision override(String domain, LocalOverride override) {
        return new Decision(override.policy().verdict(), domain, null, override.describe(), DecisionSource.OVERRIDE,
                null, override);
    }

    /**
     * The same destination, now known to be under a downgrade (from the probe, a later stage): an
     * enforced domain, or a {@code dane-only} one whose STARTTLS is stripped.
     */
    public Decision underDowngrade(String why) {
        if (verdict != Verdict.REQUIRE_TLS && verdict != Verdict.DANE_ONLY) {
            throw new IllegalStateException("only an enforced domain can be deferred for a downgrade");
        }
        return new Decision(Verdict.DEFER_DOWNGRADE, domain, policy, why, source, sts, override);
    }

    /** The same decision, said to come from {@code by} with another reason (the list, or no source). */
    Decision from(DecisionSource by, String why) {
        return new Decision(verdict, domain, policy, why, by, sts, override);
    }

    /** Whether the list names this domain at all (whatever the verdict and whichever source decided). */
    public boolean listed() {
        return policy != null;
    }

    /** The list's mode for the domain, or null when it is not listed. */
    public PolicyMode mode() {
        return policy == null ? null : policy.mode();
    }

    /**
     * The mode of the policy that decided, as its source spells it ({@code enforce}, {@code testing},
     * {@code none}; {@code override-secure}, {@code override-encrypt} for a local override;
     * {@code dane-only}, {@code dane} for DANE), or null.
     */
    public String decidingMode() {
        if (override != null) {
            return "override-" + override.policy().wireName();
        }
        if (verdict == Verdict.DANE_ONLY || verdict == Verdict.DEFER_DOWNGRADE && source == DecisionSource.DANE) {
            return "dane-only";
        }
        if (verdict == Verdict.DANE) {
            return "dane";
        }
        if (source == DecisionSource.MTA_STS && sts != null) {
            return sts.policy().mode().wireName();
        }
        return source == DecisionSource.LIST && policy != null ? policy.mode().wireName() : null;
    }
}
