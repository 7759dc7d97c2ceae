package org.starttls.policyd.core.sts;

import java.util.Objects;

/**
 * What a domain's {@code _mta-sts} TXT records say, as a value: {@link Found} with the record, or
 * {@link Refused} with the reason the domain has no policy and a sentence for the operator. A
 * record that cannot be used is an ordinary answer about the domain, not an error of ours.
 */
public sealed interface StsRecordResult {

    /** Whether the domain publishes exactly one valid record. */
    default boolean found() {
        return this instanceof Found;
    }

    /** The domain's one valid record. */
    record Found(StsRecord record) implements StsRecordResult {
        public Found {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * No usable record.
     *
     * @param reason the kind of refusal
     * @param detail one sentence for an operator, naming the offending record or field
     */
    record Refused(StsRecordRefusal reason, String detail) implements StsRecordResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
