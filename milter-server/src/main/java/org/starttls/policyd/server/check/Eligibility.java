package org.starttls.policyd.server.check;

import org.starttls.policyd.core.list.PolicyMode;

/** What a domain is fit for in a list of one's own, worst last (so the verdict is the worst finding). */
public enum Eligibility {
    /** Every MX passed and MTA-STS, if published, agrees: senders may require verified TLS. */
    ENFORCE("enforce", PolicyMode.ENFORCE),
    /** TLS works but an enforcing sender would defer some mail (a certificate problem, MTA-STS in testing). */
    TESTING("testing", PolicyMode.TESTING),
    /** Enforcing TLS would stop mail (an MX without STARTTLS or TLS 1.2), or nothing could be judged. */
    NOT_ELIGIBLE("not-eligible", null);

    private final String wireName;
    private final PolicyMode listMode;

    Eligibility(String wireName, PolicyMode listMode) {
        this.wireName = wireName;
        this.listMode = listMode;
    }

    /** The spelling in output and JSON. */
    public String wireName() {
        return wireName;
    }

    /** The list entry's {@code mode}; null when the domain gets no entry. */
    public PolicyMode listMode() {
        return listMode;
    }

    /** The worse of the two. */
    public Eligibility worse(Eligibility other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
