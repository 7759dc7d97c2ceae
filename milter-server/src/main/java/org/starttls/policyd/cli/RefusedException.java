package org.starttls.policyd.cli;

/**
 * A request policyctl will not carry out, with nothing changed (exit {@link ExitCodes#REFUSED}):
 * a key file that exists already, a key that cannot sign. Refused lists are
 * {@link org.starttls.policyd.core.ListRejectedException}s.
 */
final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
        super(message);
    }
}
