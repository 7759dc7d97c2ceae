package org.starttls.policyd.core;

import java.util.Objects;

/** A candidate list that must not be used; the message is the one-line reason for the operator. */
public final class ListRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which check refused the list. */
    public enum Reason {
        /** The signature is missing, bad, or by a key that is not pinned. */
        SIGNATURE,
        /** The content is not a valid list. */
        FORMAT,
        /** Older than the list already installed. */
        ROLLBACK,
        /** Already past its {@code expires} time. */
        EXPIRED,
        /** The list or signature could not be read or downloaded. */
        UNREADABLE
    }

    private final Reason reason;

    public ListRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ListRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
