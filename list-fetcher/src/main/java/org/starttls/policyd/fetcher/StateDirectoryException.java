package org.starttls.policyd.fetcher;

/**
 * The state directory cannot be read or written (read-only, full, wrong permissions, damaged
 * layout). The message names the path and the system's reason.
 */
public final class StateDirectoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateDirectoryException(String message) {
        super(message);
    }
}
