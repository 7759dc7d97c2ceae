package org.starttls.policyd.server.socketmap;

/**
 * Where the socketmap door gets each request's answer: {@link SocketmapResponder} in the daemon,
 * and whatever a test needs (e.g. answers whose completion the test controls).
 */
public interface SocketmapAnswerSource {
    /**
     * The answer to {@code request}; called on the connection's event loop, so it must not block.
     * May throw: the door answers {@code TEMP} instead.
     */
    SocketmapAnswer answer(SocketmapRequest request);

    /**
     * A reply the door made itself rather than {@link #answer}: {@code PERM} for a malformed
     * request, {@code TEMP} for a pending answer that failed or outlived the request deadline.
     */
    void answeredByDoor(SocketmapReply reply);
}
