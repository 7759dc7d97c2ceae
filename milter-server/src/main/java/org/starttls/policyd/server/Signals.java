package org.starttls.policyd.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP handling: the conventional "reload" signal of Unix daemons. */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Runs {@code action} on its own thread at each SIGHUP, so the signal thread never waits on it. */
    @SuppressWarnings("removal")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                Thread worker = new Thread(action, "policyd-reload");
                worker.setDaemon(true);
                worker.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("SIGHUP cannot be handled on this platform ({}); use 'policyctl reload'", e.getMessage());
        }
    }
}
