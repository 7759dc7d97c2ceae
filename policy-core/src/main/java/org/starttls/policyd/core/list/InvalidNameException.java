package org.starttls.policyd.core.list;

/** A domain name or MX pattern that breaks the label rules; the message says which rule. */
public final class InvalidNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }
}
