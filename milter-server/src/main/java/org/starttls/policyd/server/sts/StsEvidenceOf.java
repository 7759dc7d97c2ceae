package org.starttls.policyd.server.sts;

import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.fetcher.sts.StsOutcome;

/** Translates the resolver's {@link StsOutcome} into the engine's {@link StsEvidence}. */
public final class StsEvidenceOf {
    private StsEvidenceOf() {
    }

    public static StsEvidence outcome(StsOutcome outcome) {
        if (outcome instanceof StsOutcome.Known known) {
            // The outcome's own basis: a cached entry's is the same object on every request.
            return known.evidence();
        }
        if (outcome instanceof StsOutcome.NoPolicy none) {
            return new StsEvidence.Absent("no policy (" + none.reason().label() + ": " + none.detail() + ")");
        }
        if (outcome instanceof StsOutcome.Unusable unusable) {
            return new StsEvidence.Failed(unusable.kind().label() + ": " + unusable.detail(), unusable.recordSeen());
        }
        if (outcome instanceof StsOutcome.Disabled) {
            return new StsEvidence.Absent("switched off (mta-sts.enabled: false)");
        }
        // Never reached with the sealed outcomes; a null means the resolver broke its contract.
        return new StsEvidence.Failed("internal: the resolver gave no outcome", false);
    }
}
