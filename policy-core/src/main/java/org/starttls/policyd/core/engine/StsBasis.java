package org.starttls.policyd.core.engine;

import java.util.Objects;
import org.starttls.policyd.core.list.KeptRendering;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsPolicy;

/**
 * The MTA-STS policy a decision rests on: what an answer needs to enforce it (the MX patterns) and
 * to report on it (the policy domain and the policy's lines for TLSRPT).
 *
 * <p>A value (equal when its three parts are) that also keeps one rendering of itself: the door
 * that turns it into answer text renders a cached policy once, not per request
 * ({@link #rendering}). The cache builds one basis per cached entry, so a policy fetched under a
 * new {@code id} is a new basis and is rendered anew.
 */
public final class StsBasis extends KeptRendering<StsBasis> {
    private final String policyDomain;
    private final String id;
    private final StsPolicy policy;
    /** {@link #policy}'s mode, kept here: a door reads it on every request, and the policy is one object more to reach. */
    private final StsMode mode;
    /** The last reason {@link #reason} made. */
    private volatile Reason reason;
    /** The last decision {@link #decision} made. */
    private volatile KeptDecision decision;

    /**
     * @param policyDomain the normalised ASCII domain that published the policy
     * @param id the TXT record's {@code id} the policy was fetched under
     * @param policy the valid policy
     */
    public StsBasis(String policyDomain, String id, StsPolicy policy) {
        this.policyDomain = Objects.requireNonNull(policyDomain, "policyDomain");
        this.id = Objects.requireNonNull(id, "id");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.mode = policy.mode();
    }

    public String policyDomain() {
        return policyDomain;
    }

    public String id() {
        return id;
    }

    public StsPolicy policy() {
        return policy;
    }

    /** The policy's mode. */
    public StsMode mode() {
        return mode;
    }

    /**
     * The engine's reason for a decision resting on this basis: {@code MTA-STS policy of D (id X,
     * how)} then {@code outcome}. The last one asked is kept, since a cached policy is decided the
     * same way on every request.
     */
    String reason(String how, String outcome) {
        Reason kept = reason;
        if (kept != null && kept.how.equals(how) && kept.outcome.equals(outcome)) {
            return kept.text;
        }
        String text = "MTA-STS policy of " + policyDomain + " (id " + id + ", " + how + ")" + outcome;
        reason = new Reason(how, outcome, text);
        return text;
    }

    private record Reason(String how, String outcome, String text) {
    }

    /**
     * A door's decision resting on this basis: {@code verdict} by MTA-STS for the policy's own
     * domain, with {@link #reason} and no list entry beside it. The last one asked is kept whole,
     * since a cached policy is decided the same way on every request.
     */
    Decision decision(Verdict verdict, String how, String outcome) {
        KeptDecision kept = decision;
        if (kept != null && kept.decision.verdict() == verdict && kept.how.equals(how) && kept.outcome.equals(outcome)) {
            return kept.decision;
        }
        Decision made = new Decision(verdict, policyDomain, null, reason(how, outcome), DecisionSource.MTA_STS, this);
        decision = new KeptDecision(how, outcome, made);
        return made;
    }

    private record KeptDecision(String how, String outcome, Decision decision) {
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StsBasis that && policyDomain.equals(that.policyDomain) && id.equals(that.id)
                && policy.equals(that.policy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(policyDomain, id, policy);
    }

    @Override
    public String toString() {
        return "StsBasis[policyDomain=" + policyDomain + ", id=" + id + ", policy=" + policy + "]";
    }
}
