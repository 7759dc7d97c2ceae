package org.starttls.policyd.fetcher.dane;

/** What {@link DaneResolver} reports for metrics; every method must return at once. */
public interface DaneEvents {
    DaneEvents NONE = new DaneEvents() {
    };

    /** A domain's DANE lookups failed (bogus or unanswered MX RRset, or an internal error). */
    default void lookupFailed() {
    }

    /** A failed refresh was answered from the still valid cached answer. */
    default void cachedServedOnFailure() {
    }

    /** The validation check found the resolver not validating. */
    default void validationCheckFailed() {
    }
}
