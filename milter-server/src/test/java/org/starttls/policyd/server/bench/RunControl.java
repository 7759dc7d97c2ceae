package org.starttls.policyd.server.bench;

/** The phase of one measured run, shared by its connections, and the first failure seen. */
final class RunControl {
    enum Phase { WARMUP, MEASURE, STOP }

    private volatile Phase phase = Phase.WARMUP;
    private volatile String failure;

    Phase phase() {
        return phase;
    }

    void enter(Phase next) {
        phase = next;
    }

    void failed(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    /** The first failure, or null. */
    String failure() {
        return failure;
    }
}
