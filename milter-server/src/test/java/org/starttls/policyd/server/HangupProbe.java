package org.starttls.policyd.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A process for {@link SignalsTest}: installs the SIGHUP action, says so, and reports a SIGHUP. */
public final class HangupProbe {
    private HangupProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch hangup = new CountDownLatch(1);
        Signals.onHangup(hangup::countDown);
        System.out.println("installed");
        System.out.flush();
        System.out.println(hangup.await(5, TimeUnit.SECONDS) ? "reload ran" : "no reload");
    }
}
