package org.starttls.policyd.fetcher;

/** Why an update did not install a candidate list. */
public enum RefusalReason {
    /** The list or signature could not be downloaded or read (HTTP error, timeout, refused, too large, truncated). */
    DOWNLOAD,
    /** The signature is missing, bad, by a key that is not pinned, or not a signature at all. */
    SIGNATURE,
    /** The signed content is not a valid list. */
    FORMAT,
    /** Older than the installed list. */
    ROLLBACK,
    /** Already past its {@code expires} time. */
    EXPIRED,
    /** The verified list could not be written to the state directory (read-only, full, permissions). */
    STATE_DIRECTORY,
    /** A bug: an unexpected exception. The installed pair is untouched; the log has the stack trace. */
    INTERNAL_ERROR;

    /** The spelling in logs, JSON and docs/list-updates.md: {@code download}, {@code state_directory}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
