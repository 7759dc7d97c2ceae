package org.starttls.policyd.server.milter;

/** The MTA's offer cannot work with us (version too old, a needed action missing). */
final class MilterNegotiationException extends Exception {
    private static final long serialVersionUID = 1L;

    public MilterNegotiationException(String message) {
        super(message);
    }
}
