package org.starttls.policyd.server.check;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * The eligibility of one domain for a list of one's own, as a value.
 *
 * @param domain the normalised domain
 * @param verdict what the domain is fit for
 * @param reasons one sentence per finding that made the verdict worse than enforce (empty for enforce)
 * @param notes what was seen without changing the verdict (DANE published, MTA-STS warnings)
 * @param mxs per MX, in preference order (empty when the MX lookup failed or the domain has a null MX)
 * @param sts what MTA-STS showed
 * @param entry the list entry for the verdict, or null when the domain is not eligible
 * @param checkedAt when the check ended
 */
public record DomainCheck(String domain, Eligibility verdict, List<String> reasons, List<String> notes,
        List<MxCheck> mxs, StsFinding sts, TlsPolicy entry, Instant checkedAt) {
    public DomainCheck {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(verdict, "verdict");
        reasons = List.copyOf(reasons);
        notes = List.copyOf(notes);
        mxs = List.copyOf(mxs);
        Objects.requireNonNull(sts, "sts");
        Objects.requireNonNull(checkedAt, "checkedAt");
        if ((entry == null) != (verdict.listMode() == null)) {
            throw new IllegalArgumentException("an eligible domain has a list entry, and only an eligible one");
        }
        if (entry != null && entry.mode() != verdict.listMode()) {
            throw new IllegalArgumentException("the entry's mode must be the verdict's");
        }
        if (verdict != Eligibility.ENFORCE && reasons.isEmpty()) {
            throw new IllegalArgumentException("a verdict below enforce needs a reason");
        }
    }
}
