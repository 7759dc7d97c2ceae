package org.starttls.policyd.server.socketmap;

/**
 * Where the socketmap door gets each request's answer: {@link SocketmapResponder} in the daemon,
 * and whatever a test needs (e.g. answers whose completion the test controls).
 */
public interface SocketmapAnswerSource {
    /**
     * The answer to the request {@code mapName} {@code key}, both already checked as a
     * {@link SocketmapRequest} checks them; called on the connection's event loop, so it must not
     * block. May throw: the door answers {@code TEMP} instead. The door passes the two strings,
     * not a request object: one object less per request.
     */
    SocketmapAnswer answer(String mapName, String key);

    /**
     * The answer to a request whose key is the {@code length} printable ASCII bytes at
     * {@code offset} of {@code key}, when it can be given from the bytes, without a string (the
     * door's common case); null to be asked {@link #answer} instead. The bytes are the door's and
     * valid only during the call. Same rules as {@link #answer}.
     */
    default SocketmapAnswer answerAscii(String mapName, byte[] key, int offset, int length) {
        return null;
    }

    /**
     * A reply the door made itself rather than {@link #answer}: {@code PERM} for a malformed
     * request, {@code TEMP} for a pending answer that failed or outlived the request deadline.
     */
    void answeredByDoor(SocketmapReply reply);
}
