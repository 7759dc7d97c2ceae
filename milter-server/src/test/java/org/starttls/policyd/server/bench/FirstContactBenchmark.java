package org.starttls.policyd.server.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * First-contact latency of live MTA-STS (docs/benchmarks.md): the time a socketmap lookup of a
 * domain nothing has asked before takes, against the time the network part alone takes (the
 * {@code _mta-sts} TXT query and the HTTPS policy fetch, with a new TLS connection, through the
 * daemon's own {@link StsNetwork} sources), in a local world ({@link StsWorld}: DNS server, test
 * CA, HTTPS policy host on loopback). Each round publishes two fresh domains and measures one
 * each way, alternating which goes first; "our own part" is the difference of the medians (and of
 * the other percentiles). Not a test: run it with
 * {@code mvn -B -o -q -pl milter-server -am test-compile exec:exec -Dexec.classpathScope=test
 * -Dexec.executable=java -Dexec.args="-cp %classpath org.starttls.policyd.server.bench.FirstContactBenchmark [ROUNDS]"}.
 */
public final class FirstContactBenchmark {
    private static final String MAP = "patient";

    private FirstContactBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int warmup = Math.max(20, rounds / 5);
        Path dir = Files.createTempDirectory("first-contact");
        try (StsWorld world = StsWorld.start()) {
            Instant signed = Instant.now().minusSeconds(60);
            Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                    Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
            PolicydConfig config = LocalDaemon.config(dir, list);
            config.mtaSts.enabled = true;
            config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("test-ca.pem")).toString();
            config.dns.resolver = world.resolverSetting();
            config.dns.timeoutMs = 5_000;
            PolicydConfig.MapSection patient = new PolicydConfig.MapSection();
            patient.stsWaitSeconds = 90;
            config.socketmap.maps.put(MAP, patient);
            DaemonSettings settings = DaemonSettings.from(config, null);
            StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort())
                    .withDeadline(Duration.ofSeconds(30));
            try (StsNetwork network = StsNetwork.open(settings, fetch);
                    Policyd daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(),
                            UnaryOperator.identity(), s -> StsNetwork.open(s, fetch));
                    SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
                List<Long> direct = new ArrayList<>();
                List<Long> door = new ArrayList<>();
                for (int i = 0; i < warmup + rounds; i++) {
                    String viaDoor = "door" + i + ".test";
                    String viaNetwork = "net" + i + ".test";
                    for (String domain : List.of(viaDoor, viaNetwork)) {
                        world.publish(domain, "1", StsWorld.policy("enforce", 86400, "mx." + domain));
                    }
                    long d;
                    long n;
                    if (i % 2 == 0) {
                        d = lookup(client, viaDoor);
                        n = network(network, viaNetwork);
                    } else {
                        n = network(network, viaNetwork);
                        d = lookup(client, viaDoor);
                    }
                    if (i >= warmup) {
                        door.add(d);
                        direct.add(n);
                    }
                }
                report(rounds, door, direct);
            }
        }
    }

    private static long lookup(SocketmapClient client, String domain) throws Exception {
        long start = System.nanoTime();
        String answer = client.query(MAP, domain);
        long took = System.nanoTime() - start;
        if (!answer.startsWith("OK secure match=mx." + domain)) {
            throw new IllegalStateException(domain + ": " + answer);
        }
        return took;
    }

    private static long network(StsNetwork network, String domain) throws Exception {
        long start = System.nanoTime();
        StsRecordLookup record = network.records().lookup(domain).get();
        StsPolicyFetch policy = network.policies().fetch(domain).get();
        long took = System.nanoTime() - start;
        if (!(record instanceof StsRecordLookup.Answered) || !(policy instanceof StsPolicyFetch.Parsed)) {
            throw new IllegalStateException(domain + ": " + record + " " + policy);
        }
        return took;
    }

    private static void report(int rounds, List<Long> door, List<Long> direct) {
        long[] d = door.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] n = direct.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("rounds=%d (one fresh domain each way per round)%n", rounds);
        for (double q : new double[] {0.10, 0.25, 0.50, 0.75, 0.90, 0.99}) {
            long dq = quantile(d, q);
            long nq = quantile(n, q);
            System.out.printf("p%-4s first contact via socketmap %8.3f ms | TXT + HTTPS alone %8.3f ms | difference %7.3f ms%n",
                    trim(q * 100), dq / 1e6, nq / 1e6, (dq - nq) / 1e6);
        }
        System.out.printf("mean  first contact %.3f ms, network alone %.3f ms, difference %.3f ms%n",
                Arrays.stream(d).average().orElse(0) / 1e6, Arrays.stream(n).average().orElse(0) / 1e6,
                (Arrays.stream(d).average().orElse(0) - Arrays.stream(n).average().orElse(0)) / 1e6);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static long quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
