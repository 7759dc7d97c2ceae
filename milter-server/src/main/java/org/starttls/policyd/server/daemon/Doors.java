package org.starttls.policyd.server.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.admin.AdminActions;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.admin.AdminProtocol;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.milter.MilterProtocol;
import org.starttls.policyd.server.milter.MilterServer;
import org.starttls.policyd.server.milter.MilterSettings;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.policy.PolicyResponder;
import org.starttls.policyd.server.policy.PolicyServiceProtocol;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapProtocol;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.socketmap.SocketmapServer;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.ProtocolPipeline;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The enabled front doors, bound on their addresses. Settings that only change answers (engine
 * rules, named maps, headers) are applied by {@link #reconfigure} without closing a socket;
 * addresses and limits need a restart, which {@link #restartNeeded} names.
 */
final class Doors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Doors.class);

    private final EventLoops loops;
    private final List<RunningServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final PolicyEngine engine;
    private final DaemonSettings started;
    private final UnaryOperator<ReceiptDecider> receiptLayer;
    private final AnswerMeters meters;
    private ReloadableProtocol socketmap;
    private ReloadableProtocol policy;
    private ReloadableProtocol milter;
    /** Where receipt-time decisions run when they may wait for a downgrade probe; else null (event loop). */
    private final ExecutorService decisions;

    private Doors(EventLoops loops, PolicyEngine engine, DaemonSettings started,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters) {
        this.meters = meters;
        this.loops = loops;
        this.engine = engine;
        this.started = started;
        this.receiptLayer = receiptLayer;
        this.decisions = started.probe().waits() ? DecisionPool.create() : null;
    }

    /**
     * @param receiptLayer wraps the list's receipt-time decisions with downgrade knowledge (the
     *     identity until a downgrade detector is configured)
     */
    static Doors start(DaemonSettings settings, PolicyEngine engine, UnaryOperator<ReceiptDecider> receiptLayer)
            throws IOException {
        return start(settings, engine, receiptLayer, new AnswerMeters());
    }

    /** As above, with each door counting its answers in {@code meters}. */
    static Doors start(DaemonSettings settings, PolicyEngine engine, UnaryOperator<ReceiptDecider> receiptLayer,
            AnswerMeters meters) throws IOException {
        Doors doors = new Doors(EventLoops.create(0, true), engine, settings, receiptLayer, meters);
        try {
            doors.bind(settings);
        } catch (IOException | RuntimeException e) {
            doors.close();
            throw e;
        }
        return doors;
    }

    private void bind(DaemonSettings settings) throws IOException {
        ServerFactory factory = new ServerFactory(loops);
        if (settings.socketmap() != null) {
            socketmap = new ReloadableProtocol(socketmapProtocol(settings));
            servers.add(factory.start(SocketmapServer.NAME, settings.socketmap().listen(), settings.socketmap().transport(),
                    socketmap));
        }
        if (settings.policyService() != null) {
            policy = new ReloadableProtocol(policyProtocol(settings));
            servers.add(factory.start(PolicyServiceServer.NAME, settings.policyService().listen(),
                    settings.policyService().transport(), policy));
        }
        if (settings.milter() != null) {
            milter = new ReloadableProtocol(milterProtocol(settings));
            servers.add(factory.start(MilterServer.NAME, settings.milter().listen(), milterTransport(settings), milter));
        }
        if (servers.isEmpty()) {
            LOG.warn("every door is disabled in the configuration: policyd answers nothing");
        }
    }

    private ProtocolPipeline socketmapProtocol(DaemonSettings settings) {
        DaemonSettings.SocketmapDoor door = settings.socketmap();
        return new SocketmapProtocol(new SocketmapResponder(new SocketmapMaps(engine, door.defaults(), door.named()),
                meters.door(SocketmapServer.NAME)));
    }

    /** The receipt-time doors' decisions: the list under the engine settings, plus downgrade knowledge. */
    private ReceiptDecider receiptDecider(DaemonSettings settings) {
        return receiptLayer.apply(ReceiptDecider.listOnly(engine.withSettings(settings.engine())));
    }

    private ProtocolPipeline policyProtocol(DaemonSettings settings) {
        ReceiptDecider decider = receiptDecider(settings);
        return new PolicyServiceProtocol(new PolicyResponder(decider, settings.policyService().settings(),
                meters.door(PolicyServiceServer.NAME)), decisions);
    }

    private ProtocolPipeline milterProtocol(DaemonSettings settings) {
        ReceiptDecider decider = receiptDecider(settings);
        DaemonSettings.MilterDoor door = settings.milter();
        MilterSettings milterSettings = door.tagging()
                ? MilterSettings.DEFAULTS.withHeaderTagging(true).withHeaderName(door.headerName())
                : MilterSettings.DEFAULTS;
        // In-memory decisions answer on the event loop (cheaper than a hand-off); ones that may wait
        // for a probe run on the decision pool.
        return new MilterProtocol(decider, milterSettings, decisions, meters.door(MilterServer.NAME));
    }

    /** A milter connection lives as long as the SMTP session, which may idle far longer than a lookup client. */
    private static TransportSettings milterTransport(DaemonSettings settings) {
        TransportSettings transport = settings.milter().transport();
        return transport.idleTimeout().compareTo(MilterServer.DEFAULT_IDLE_TIMEOUT) >= 0 ? transport
                : transport.withIdleTimeout(MilterServer.DEFAULT_IDLE_TIMEOUT);
    }

    /** What differs from the running doors in a way only a restart can apply, or null. */
    String restartNeeded(DaemonSettings next) {
        List<String> changes = new ArrayList<>();
        if (!sameAddress(started.socketmap() == null ? null : started.socketmap().listen(),
                next.socketmap() == null ? null : next.socketmap().listen())) {
            changes.add("socketmap enabled/listen");
        }
        if (!sameAddress(started.policyService() == null ? null : started.policyService().listen(),
                next.policyService() == null ? null : next.policyService().listen())) {
            changes.add("policy-service enabled/listen");
        }
        if (!sameAddress(started.milter() == null ? null : started.milter().listen(),
                next.milter() == null ? null : next.milter().listen())) {
            changes.add("milter enabled/listen");
        }
        if (!started.transport().equals(next.transport())) {
            changes.add("limits");
        }
        if (!java.util.Objects.equals(socketFiles(started), socketFiles(next))) {
            changes.add("socket-mode/socket-group");
        }
        if (!started.probe().equals(next.probe())) {
            changes.add("probe");
        }
        return changes.isEmpty() ? null : String.join(", ", changes);
    }

    /** Each door's unix socket mode and group (applied at bind). */
    private static List<Object> socketFiles(DaemonSettings settings) {
        List<Object> files = new ArrayList<>();
        for (TransportSettings door : new TransportSettings[] {
            settings.socketmap() == null ? null : settings.socketmap().transport(),
            settings.policyService() == null ? null : settings.policyService().transport(),
            settings.milter() == null ? null : settings.milter().transport()}) {
            files.add(door == null ? null : List.of(door.unixSocketMode(), String.valueOf(door.unixSocketGroup())));
        }
        return files;
    }

    private static boolean sameAddress(ListenAddress a, ListenAddress b) {
        return a == null ? b == null : a.equals(b);
    }

    /** Applies answer-changing settings to new connections. */
    void reconfigure(DaemonSettings next) {
        if (socketmap != null && next.socketmap() != null) {
            socketmap.replace(socketmapProtocol(next));
        }
        if (policy != null && next.policyService() != null) {
            policy.replace(policyProtocol(next));
        }
        if (milter != null && next.milter() != null) {
            milter.replace(milterProtocol(next));
        }
    }

    /** Binds the local admin endpoint ({@code policyctl status}, {@code reload}). */
    void startAdmin(ListenAddress address, AdminActions actions) throws IOException {
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
