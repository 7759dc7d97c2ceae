package org.starttls.policyd.fetcher;

/**
 * The points between the steps of an install, in order. A crash after any of them must leave the
 * state directory with a complete, verifiable pair: the old one up to {@link #LINK_CREATED}, the
 * new one from {@link #LINK_SWITCHED} on.
 */
public enum InstallStep {
    /** The new list is written and synced in a temporary generation directory. */
    LIST_WRITTEN,
    /** The signature is written and synced beside it. */
    SIGNATURE_WRITTEN,
    /** The keyring record (when the install carries one) is written and synced beside them. */
    KEYRING_WRITTEN,
    /** The temporary directory is renamed to its generation number and the rename synced. */
    GENERATION_SEALED,
    /** A temporary {@code current} link points at the new generation. */
    LINK_CREATED,
    /** {@code current} has been replaced by the new link in one rename, and that synced: the commit point. */
    LINK_SWITCHED,
    /** Generations older than the previous one are deleted. */
    PRUNED
}
