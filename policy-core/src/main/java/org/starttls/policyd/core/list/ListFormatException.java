package org.starttls.policyd.core.list;

/**
 * The list is not valid JSON or breaks the format. The message starts with where the problem is,
 * as a path into the document ({@code policies."foo.com".mxs[2]: ...}).
 */
public final class ListFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ListFormatException(String message) {
        super(message);
    }

    public ListFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
