package org.starttls.policyd.fetcher.sts;

import java.util.Objects;
import org.starttls.policyd.core.sts.StsRecordResult;

/**
 * The outcome of one {@code _mta-sts} TXT lookup: DNS {@link Answered} (the records, or that there
 * are none, judged by {@code StsRecord.select}), or it {@link Failed} to say anything (SERVFAIL,
 * timeout, no route), which must never be read as "no record".
 */
public sealed interface StsRecordLookup {

    /** DNS answered: NOERROR with records, NODATA or NXDOMAIN, already judged. */
    record Answered(StsRecordResult result) implements StsRecordLookup {
        public Answered {
            Objects.requireNonNull(result, "result");
        }
    }

    /** DNS could not answer; {@code detail} is one sentence for an operator, safe to log. */
    record Failed(String detail) implements StsRecordLookup {
        public Failed {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
