package org.starttls.policyd.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP handling: the conventional "reload" signal of Unix daemons. */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Runs {@code action} on its own thread at each SIGHUP, so the signal thread never waits on it.
     * A process started with SIGHUP ignored (under {@code nohup}) keeps ignoring it: the JVM
     * installs no handler then, so SIGHUP would do nothing at all; that is logged instead.
     */
    @SuppressWarnings("removal")
    static void onHangup(Runnable action) {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                Thread worker = new Thread(action, "policyd-reload");
                worker.setDaemon(true);
                worker.start();
            });
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                LOG.warn("SIGHUP is ignored by this process (started under nohup, or by a parent that ignores it),"
                        + " so SIGHUP will NOT reload policyd; use 'policyctl reload', or start it without nohup"
                        + " (setsid, systemd)");
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("SIGHUP cannot be handled on this platform ({}); use 'policyctl reload'", e.getMessage());
        }
    }
}
