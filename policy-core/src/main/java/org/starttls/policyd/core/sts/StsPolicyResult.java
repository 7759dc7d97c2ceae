package org.starttls.policyd.core.sts;

import java.util.Objects;

/**
 * What a fetched policy file is, as a value: {@link Valid} with the policy, or {@link Invalid}
 * with the reason and a sentence for the operator. A broken policy is an ordinary answer about a
 * domain, not an error of ours.
 */
public sealed interface StsPolicyResult {

    /** Whether the file is a valid policy. */
    default boolean valid() {
        return this instanceof Valid;
    }

    /** A valid policy. */
    record Valid(StsPolicy policy) implements StsPolicyResult {
        public Valid {
            Objects.requireNonNull(policy, "policy");
        }
    }

    /**
     * Not a valid policy.
     *
     * @param reason the kind of problem
     * @param detail one sentence for an operator, naming the line or limit, safe to log
     */
    record Invalid(StsPolicyProblem reason, String detail) implements StsPolicyResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
