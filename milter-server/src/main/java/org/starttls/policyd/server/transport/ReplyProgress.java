package org.starttls.policyd.server.transport;

/**
 * Implemented by a protocol's request handler when it answers asynchronously (a decision on
 * another thread, a reload), so the transport never takes a connection that waits for its answer
 * for an idle one. A handler that answers every request before its read returns needs nothing.
 */
public interface ReplyProgress {
    /** Whether a request has been received and its answer is not written yet. */
    boolean replyPending();
}
