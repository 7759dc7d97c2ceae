package org.starttls.policyd.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.milter.MilterServer;
import org.starttls.policyd.server.milter.MilterSettings;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.socketmap.SocketmapServer;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * Load test of the socketmap, policy delegation and milter doors against fixed-reply baselines; see
 * {@link LoadOptions#HELP} and docs/benchmarks.md. Goals: policyd reaches at least 70% of the
 * baseline's throughput with a p99 at most 1.5 times the baseline's.
 */
public final class LoadGenerator {
    static final double MIN_THROUGHPUT_RATIO = 0.70;
    static final double MAX_P99_RATIO = 1.5;
    static final String BASELINE = "baseline";

    private final LoadOptions options;
    private final PrintStream out;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Something to load: a name, where it listens, what to send it. */
    record Target(String name, WireProtocol protocol, InetSocketAddress address, ClientLoop.Factory loops,
            String serverThreads) {
    }

    private LoadGenerator(LoadOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(LoadOptions.HELP);
            return;
        }
        boolean ok = new LoadGenerator(options, System.out).run();
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        printEnvironment();
        try {
            List<Target> targets = startTargets();
            Results results = new Results();
            for (int round = 1; round <= options.rounds; round++) {
                for (int connections : options.connections) {
                    for (WireProtocol protocol : options.protocols) {
                        List<Target> cell = targets.stream().filter(t -> t.protocol() == protocol).toList();
                        runCell(round, connections, cell, results);
                    }
                }
            }
            return new SummaryPrinter(out).print(results, options, List.copyOf(SummaryPrinter.names(targets)));
        } finally {
            while (!resources.isEmpty()) {
                resources.pop().close();
            }
        }
    }

    /** One round of one protocol at one connection count: every target once, order rotated by round. */
    private void runCell(int round, int connections, List<Target> cell, Results results) throws InterruptedException {
        for (int i = 0; i < cell.size(); i++) {
            Target target = cell.get((i + round - 1) % cell.size());
            try (LoadClient client = new LoadClient(options.clientThreads)) {
                RunResult result = client.run(target.address(), target.loops(), connections, options.warmup,
                        options.measure, target.serverThreads());
                results.add(target.protocol(), connections, target.name(), result);
                out.printf("round %d  %-9s %3d conns  %-16s %9.0f %s/s  p50 %7.1f  p99 %7.1f  p99.9 %7.1f  max %8.1f us"
                        + "  cpu/%s server %5.1f client %5.1f us  positive %4.1f%%%s%n", round, target.protocol().label(), connections, target.name(),
                        result.perSecond(), target.protocol().unit(), result.p50Micros(), result.p99Micros(), result.p999Micros(),
                        result.maxMicros(), target.protocol().unit(), result.serverCpuMicros(),
                        result.clientCpuMicros(), 100.0 * result.positive() / Math.max(1, result.requests()),
                        result.failure() == null ? "" : "  FAILED: " + result.failure());
            }
        }
    }

    private List<Target> startTargets() throws Exception {
        List<Target> targets = new ArrayList<>();
        BenchLists.Loaded eff = BenchLists.eff();
        for (WireProtocol protocol : options.protocols) {
            BaselineServer baseline = new BaselineServer(protocol, options.serverThreads);
            resources.push(baseline);
            targets.add(new Target(BASELINE, protocol, baseline.address(), loops(protocol, eff, 1),
                    BaselineServer.THREAD_NAME));
        }
        if (!options.lists.isEmpty()) {
            EventLoops loops = EventLoops.create(options.serverThreads, true);
            resources.push(loops);
            ServerFactory factory = new ServerFactory(loops);
            for (String name : options.lists) {
                long start = System.nanoTime();
                BenchLists.Loaded list = name.equals("eff") ? eff : BenchLists.million();
                out.printf("list %s: %,d domains, verified and installed in %.1f s%n", name,
                        list.engine().activeList().list().size(), (System.nanoTime() - start) / 1e9);
                for (WireProtocol protocol : options.protocols) {
                    targets.add(new Target("policyd/" + name, protocol, startDoor(factory, protocol, list),
                            loops(protocol, list, 1), "policyd-io"));
                }
            }
        }
        addExternal(targets, WireProtocol.SOCKETMAP, options.externalSocketmap, eff);
        addExternal(targets, WireProtocol.POLICY, options.externalPolicy, eff);
        return targets;
    }

    private void addExternal(List<Target> targets, WireProtocol protocol, InetSocketAddress address,
            BenchLists.Loaded domains) {
        if (address != null && options.protocols.contains(protocol)) {
            targets.add(new Target("external", protocol, address, loops(protocol, domains, 1), null));
        }
    }

    private InetSocketAddress startDoor(ServerFactory factory, WireProtocol protocol, BenchLists.Loaded list)
            throws IOException {
        ListenAddress any = ListenAddress.parse("127.0.0.1:0");
        ReceiptDecider decider = ReceiptDecider.listOnly(list.engine());
        RunningServer server = switch (protocol) {
            case SOCKETMAP -> SocketmapServer.start(factory, any, TransportSettings.DEFAULTS,
                    SocketmapMaps.allDefault(list.engine()));
            case POLICY -> PolicyServiceServer.start(factory, any, TransportSettings.DEFAULTS,
                    PolicyServiceSettings.DEFAULTS.withTagHeader(true), decider);
            case MILTER -> MilterServer.start(factory, any, MilterServer.TRANSPORT_DEFAULTS,
                    MilterSettings.DEFAULTS.withHeaderTagging(true), decider);
        };
        resources.push(server);
        return (InetSocketAddress) server.localAddress();
    }

    /** The same requests (messages) for every target of a protocol: the seed is fixed, the names are the list's. */
    private ClientLoop.Factory loops(WireProtocol protocol, BenchLists.Loaded list, long seed) {
        if (protocol == WireProtocol.MILTER) {
            return MilterLoopHandler.factory(
                    MilterScript.build(list.listed(), list.unlisted(), options.listedPercent, seed));
        }
        return ClosedLoopHandler.factory(protocol,
                RequestMix.build(protocol, options.mapName, list.listed(), list.unlisted(), options.listedPercent, seed));
    }

    private void printEnvironment() {
        Runtime runtime = Runtime.getRuntime();
        out.printf("machine: %d cores, load average %s; JVM %s, max heap %d MB%n", runtime.availableProcessors(),
                loadAverage(), System.getProperty("java.vm.version"), runtime.maxMemory() / 1_000_000);
        out.printf("plan: %d rounds x connections %s x %s; warm-up %.1f s, measure %.1f s; %d%% listed;"
                + " server threads %d, client threads %d%n", options.rounds, options.connections,
                options.protocols.stream().map(WireProtocol::label).toList(), options.warmup.toMillis() / 1e3,
                options.measure.toMillis() / 1e3, options.listedPercent, options.serverThreads, options.clientThreads);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Every run's result by protocol, connection count and target, in round order. */
    static final class Results {
        private final Map<String, List<RunResult>> runs = new LinkedHashMap<>();

        void add(WireProtocol protocol, int connections, String target, RunResult result) {
            runs.computeIfAbsent(key(protocol, connections, target), k -> new ArrayList<>()).add(result);
        }

        List<RunResult> get(WireProtocol protocol, int connections, String target) {
            return runs.getOrDefault(key(protocol, connections, target), List.of());
        }

        private static String key(WireProtocol protocol, int connections, String target) {
            return protocol + "/" + connections + "/" + target;
        }
    }
}
