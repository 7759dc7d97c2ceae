package org.starttls.policyd.server.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The loopback HTTP endpoint for monitoring: {@code GET /metrics} (Prometheus text) and
 * {@code GET /health} (200 {@code ok}, or 503 with the reasons); see {@link MetricsHandler}.
 *
 * <p>It runs on the doors' transport (connection limit that makes room for a newcomer, request
 * deadline, idle timeout, bounded request size), so one client that sends half a request cannot
 * hold the endpoint for everyone, but on an event loop of its own: rendering a scrape is the only
 * work here that grows with the number of counters, and it never delays an answer to the MTA.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** The endpoint's name in log lines. */
    public static final String NAME = "metrics";

    private final EventLoops loops;
    private final RunningServer server;

    private MetricsServer(EventLoops loops, RunningServer server) {
        this.loops = loops;
        this.server = server;
    }

    /** Binds {@code address} (the caller checked it is loopback) and starts serving. */
    public static MetricsServer start(InetSocketAddress address, AnswerMeters meters, Supplier<DaemonSnapshot> snapshot)
            throws IOException {
        return start(address, MetricsProtocol.TRANSPORT, meters, snapshot);
    }

    /** As above with other connection limits and timeouts (tests). */
    public static MetricsServer start(InetSocketAddress address, TransportSettings transport, AnswerMeters meters,
            Supplier<DaemonSnapshot> snapshot) throws IOException {
        EventLoops loops = EventLoops.create("policyd-metrics", 1, true);
        try {
            RunningServer server = new ServerFactory(loops).start(NAME,
                    ListenAddress.tcp(address.getHostString(), address.getPort()), transport,
                    new MetricsProtocol(meters, snapshot));
            LOG.info("metrics: serving http://{}:{}/metrics and /health", address.getHostString(), server.port());
            return new MetricsServer(loops, server);
        } catch (IOException | RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    /** The bound port (the real one when 0 was configured). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        loops.close();
    }
}
