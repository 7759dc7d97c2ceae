package org.starttls.policyd.core.dane;

import java.util.Objects;

/**
 * What DANE says for a domain, with one sentence saying why (safe to log and to show in
 * {@code policyctl lookup}).
 */
public record DaneVerdict(Kind kind, String reason) {

    /** The four answers DANE evidence can give. */
    public enum Kind {
        /** Every MX host is validated with usable TLSA: Postfix {@code dane-only}. */
        DANE_ONLY,
        /** DANE applies to some hosts, or cannot be ruled out for one: Postfix {@code dane} decides per MX. */
        DANE,
        /** No DANE: the next source (MTA-STS, the list, none) decides. */
        NO_DANE,
        /** Nothing is known about the MX RRset: defer, never "no policy". */
        TEMP
    }

    public DaneVerdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
