package org.starttls.policyd.core.signature;

/** The signature, or the keyring it is checked against, is not acceptable; the message says why. */
public final class SignatureVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public SignatureVerificationException(String message) {
        super(message);
    }

    public SignatureVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
