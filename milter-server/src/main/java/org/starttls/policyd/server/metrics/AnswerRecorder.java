package org.starttls.policyd.server.metrics;

import org.starttls.policyd.core.engine.DecisionSource;

/**
 * Where a door reports each answer it sends. Implementations only bump counters (no locks, no
 * I/O): doors call this on the event loop.
 */
public interface AnswerRecorder {
    /** Records nothing: for doors built without metrics (tests, policyctl). */
    AnswerRecorder NONE = new AnswerRecorder() {
        @Override
        public void answered(String answer, long elapsedNanos) {
        }

        @Override
        public void counted(String answer) {
        }
    };

    /** An answer, and how long it took from the request being decoded to the answer being decided. */
    void answered(String answer, long elapsedNanos);

    /** An answer that was not timed (e.g. the refusal of a malformed request). */
    void counted(String answer);

    /** Which source decided an answer ({@code mta-sts}, {@code list}, {@code none}, ...). */
    default void decidedBy(DecisionSource source) {
    }
}
