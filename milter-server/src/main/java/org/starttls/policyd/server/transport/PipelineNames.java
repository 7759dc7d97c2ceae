package org.starttls.policyd.server.transport;

/** Names of the handlers in every door's pipeline, in pipeline order, so tests and logs can find them. */
public final class PipelineNames {
    /** {@link ConnectionLimitHandler}: at the limit, closes the longest-idle connection for a newcomer. */
    public static final String CONNECTION_LIMIT = "connection-limit";
    /**
     * {@link ConnectionActivity}: when the connection was last active and whether it is idle; it
     * closes connections idle for the (long) idle timeout and those whose started request does not
     * finish in time.
     */
    public static final String ACTIVITY = "activity";
    /** {@link WriteBackpressureHandler}: stops reading while replies are not being read by the client. */
    public static final String BACKPRESSURE = "backpressure";
    /** The protocol's frame decoder; it implements {@link RequestProgress}. */
    public static final String FRAMING = "framing";
    /** The protocol's reply encoder. */
    public static final String REPLY_ENCODER = "reply-encoder";
    /** The protocol's request handler, which turns a request into a reply. */
    public static final String REQUESTS = "requests";
    /** {@link ConnectionErrorHandler}: logs one line and closes the failing connection. */
    public static final String ERRORS = "errors";

    private PipelineNames() {
    }
}
