package org.starttls.policyd.core.sts;

/**
 * Why a domain's {@code _mta-sts} TXT records give it no MTA-STS policy. Every one means the same
 * to delivery (RFC 8461 section 3.1: the domain has no policy); they differ for the operator who
 * reads {@code policyctl lookup} and for the metrics.
 */
public enum StsRecordRefusal {
    /** No TXT record begins with {@code v=STSv1}: the domain does not publish MTA-STS. */
    NO_RECORD("no-record"),
    /** More than one record begins with {@code v=STSv1}: the RFC says to use none of them. */
    SEVERAL_RECORDS("several-records"),
    /** The one record breaks the field grammar (empty field, bad extension name or value). */
    BAD_SYNTAX("syntax"),
    /** The one record has no {@code id}, or one that is not 1 to 32 letters and digits. */
    BAD_ID("id");

    private final String label;

    StsRecordRefusal(String label) {
        this.label = label;
    }

    /** A stable, lower-case name for metrics and JSON output. */
    public String label() {
        return label;
    }
}
