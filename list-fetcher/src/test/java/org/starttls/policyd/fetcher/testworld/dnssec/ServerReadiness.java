package org.starttls.policyd.fetcher.testworld.dnssec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Waits until a DNS server of the world answers the root SOA, or its process dies. */
final class ServerReadiness {
    private static final Duration START_LIMIT = Duration.ofSeconds(15);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
    private static final long PAUSE_MILLIS = 20;

    private ServerReadiness() {}

    /** True once {@code server} answers NOERROR; false when the process exited first. */
    static boolean awaitAnswer(ExternalProcess process, InetSocketAddress server) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(PROBE_TIMEOUT);
        Message probe = Message.newQuery(Record.newRecord(Name.root, Type.SOA, DClass.IN));
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                if (resolver.send(probe).getRcode() == Rcode.NOERROR) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(PAUSE_MILLIS); // polling a starting process; no test timing depends on it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        throw new IllegalStateException(process.name() + " did not answer on " + server + " within "
                + START_LIMIT + "; log:\n" + process.logTail());
    }
}
