package org.starttls.policyd.fetcher;

/** A list or signature could not be downloaded or read; the message is the one-line reason. */
public final class DownloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
