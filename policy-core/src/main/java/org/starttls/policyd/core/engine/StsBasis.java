package org.starttls.policyd.core.engine;

import java.util.Objects;
import org.starttls.policyd.core.sts.StsPolicy;

/**
 * The MTA-STS policy a decision rests on: what an answer needs to enforce it (the MX patterns) and
 * to report on it (the policy domain and the policy's lines for TLSRPT).
 *
 * @param policyDomain the normalised ASCII domain that published the policy
 * @param id the TXT record's {@code id} the policy was fetched under
 * @param policy the valid policy
 */
public record StsBasis(String policyDomain, String id, StsPolicy policy) {
    public StsBasis {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(policy, "policy");
    }
}
