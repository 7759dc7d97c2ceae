package org.starttls.policyd.server.transport;

/**
 * Implemented by a protocol's frame decoder so the transport ({@link ConnectionActivity}) can tell an idle
 * connection (kept) from one in the middle of a request (held to a deadline) without knowing the
 * protocol.
 */
public interface RequestProgress {
    /** Whether bytes of a request that is not complete yet have been received. */
    boolean requestInProgress();

    /** How many complete requests this connection has decoded so far. */
    long requestsDecoded();
}
