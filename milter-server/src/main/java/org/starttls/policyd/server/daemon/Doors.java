package org.starttls.policyd.server.daemon;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.admin.AdminActions;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.admin.AdminProtocol;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.milter.MilterServer;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.socketmap.SocketmapServer;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The enabled front doors, bound on their addresses. Each reads the control plane's current
 * {@link AnsweringSnapshot} for every request, so a reload changes answers on open connections
 * without closing a socket; addresses and limits are bound here once and need a restart.
 */
final class Doors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Doors.class);

    private final EventLoops loops;
    private final List<RunningServer> servers = new CopyOnWriteArrayList<>();
    /** Where receipt-time decisions run when they may wait for a probe; else null (event loop). */
    private final ExecutorService decisions;

    private Doors(EventLoops loops, DaemonSettings settings) {
        this.loops = loops;
        // Decisions that may wait for a downgrade probe never run on an event loop; the others only
        // read what DANE and MTA-STS have cached (KnownSources), so they answer where they arrive.
        this.decisions = settings.probe().waits() ? DecisionPool.create() : null;
    }

    /** Binds every enabled door of {@code settings}, answering from {@code snapshots}. */
    static Doors start(DaemonSettings settings, Supplier<AnsweringSnapshot> snapshots, AnswerMeters meters)
            throws IOException {
        Doors doors = new Doors(EventLoops.create(0, true), settings);
        try {
            doors.bind(settings, snapshots, meters);
        } catch (IOException | RuntimeException e) {
            doors.close();
            throw e;
        }
        return doors;
    }

    private void bind(DaemonSettings settings, Supplier<AnsweringSnapshot> snapshots, AnswerMeters meters)
            throws IOException {
        ServerFactory factory = new ServerFactory(loops);
        if (settings.socketmap() != null) {
            servers.add(SocketmapServer.start(factory, settings.socketmap().listen(), settings.socketmap().transport(),
                    () -> snapshots.get().socketmap()));
        }
        if (settings.policyService() != null) {
            servers.add(PolicyServiceServer.start(factory, settings.policyService().listen(),
                    settings.policyService().transport(), () -> snapshots.get().policy(), decisions));
        }
        if (settings.milter() != null) {
            // In-memory decisions answer on the event loop (cheaper than a hand-off); ones that may
            // wait for a probe run on the decision pool.
            servers.add(MilterServer.start(factory, settings.milter().listen(), milterTransport(settings),
                    () -> snapshots.get().receipt(), () -> snapshots.get().milter(), decisions,
                    meters.door(MilterServer.NAME)));
        }
        if (servers.isEmpty()) {
            LOG.warn("every door is disabled in the configuration: policyd answers nothing");
        }
    }

    /** A milter connection lives as long as the SMTP session, which may idle far longer than a lookup client. */
    private static TransportSettings milterTransport(DaemonSettings settings) {
        TransportSettings transport = settings.milter().transport();
        return transport.idleTimeout().compareTo(MilterServer.DEFAULT_IDLE_TIMEOUT) >= 0 ? transport
                : transport.withIdleTimeout(MilterServer.DEFAULT_IDLE_TIMEOUT);
    }

    /** Binds the local admin endpoint ({@code policyctl status}, {@code reload}). */
    void startAdmin(ListenAddress address, AdminActions actions) throws IOException {
        // A reload runs on the control plane, not here; its reply waits for it.
        AdminDefaults.prepareDirectory(address);
        servers.add(new ServerFactory(loops).start(AdminProtocol.NAME, address, AdminProtocol.TRANSPORT,
                new AdminProtocol(actions)));
    }

    List<RunningServer> servers() {
        return List.copyOf(servers);
    }

    @Override
    public void close() {
        for (RunningServer server : servers) {
            server.close();
        }
        loops.close();
        if (decisions != null) {
            decisions.shutdownNow();
        }
    }
}
