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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.fetcher.sts.StsPolicySource;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;
import org.starttls.policyd.fetcher.sts.StsRecordSource;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;
import org.starttls.policyd.server.testing.SocketmapClient;

/**
 * First-contact latency of live MTA-STS (docs/benchmarks.md): the time a socketmap lookup of a
 * domain nothing has asked before takes, and how much of it is the network's: the {@code _mta-sts}
 * TXT query and the HTTPS policy fetch (A/AAAA of the policy host, a new TCP and TLS connection,
 * the GET, reading and parsing the policy), in a local world ({@link StsWorld}: DNS server, test
 * CA, HTTPS policy host on loopback).
 *
 * <p>"Our own part" is measured per lookup: the daemon's network sides are wrapped
 * ({@link StsNetwork#wrapping}) so each lookup records when its TXT query started and when its
 * policy fetch completed, on the thread that completed it and before the resolver sees the result;
 * the lookup's own part is its socketmap round trip minus that interval. So it holds everything the
 * daemon does around the network (reading and deciding the request, cache miss, single-flight,
 * the first-contact wait, caching the policy, the hand-off back to the event loop, the reply) and
 * the socketmap round trip itself, which a cached answer pays too: each round asks the same domain
 * again to show that. What runs inside the interval (dnsjava, the hand-off to the fetch thread, the
 * TLS handshake, the HTTP exchange, the policy parser) is counted as network time.
 *
 * <p>For comparison with the first method (docs/benchmarks.md, 2026-12-02 02:58) each round also
 * times a second fresh domain through separate network sides alone (TXT lookup then fetch, chained
 * on the completing thread as the resolver does) and reports the difference of the two
 * distributions, percentile by percentile: noisier, as it subtracts two independent ~55 ms figures.
 * Which domain goes first alternates per round. Not a test: run it with
 * {@code mvn -B -o -q -pl milter-server -am test-compile exec:exec -Dexec.classpathScope=test
 * -Dexec.executable=java -Dexec.args="-cp %classpath org.starttls.policyd.server.bench.FirstContactBenchmark [ROUNDS [HOT_LOOKUPS]]"}
 * ({@code HOT_LOOKUPS}: cached lookups before the first round, see {@link #warmTheDoor}).
 */
public final class FirstContactBenchmark {
    private static final String MAP = "patient";

    private FirstContactBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int warmup = Math.max(20, rounds / 5);
        int hotLookups = args.length > 1 ? Integer.parseInt(args[1]) : 0;
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
            NetworkTimes inDaemon = new NetworkTimes();
            try (StsNetwork network = StsNetwork.open(settings, fetch);
                    Policyd daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(),
                            UnaryOperator.identity(), s -> inDaemon.timing(StsNetwork.open(s, fetch)));
                    SocketmapClient client = new SocketmapClient(LocalDaemon.port(daemon, "socketmap"), 120_000)) {
                warmTheDoor(world, client, hotLookups);
                Samples samples = new Samples();
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
                    long cached = lookup(client, viaDoor);
                    if (i >= warmup) {
                        samples.add(d, inDaemon.took(viaDoor), cached, n);
                    }
                }
                samples.report(rounds);
            }
        }
    }

    /**
     * A daemon in service answers cached domains all day, so its door's code is compiled: that many
     * lookups of one cached domain first, before any round, when asked ({@code HOT_LOOKUPS}).
     */
    private static void warmTheDoor(StsWorld world, SocketmapClient client, int hotLookups) throws Exception {
        if (hotLookups <= 0) {
            return;
        }
        world.publish("hot.test", "1", StsWorld.policy("enforce", 86400, "mx.hot.test"));
        for (int i = 0; i < hotLookups; i++) {
            lookup(client, "hot.test");
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
        StsRecordLookup[] record = new StsRecordLookup[1];
        StsPolicyFetch policy = network.records().lookup(domain).thenCompose(found -> {
            record[0] = found;
            return network.policies().fetch(domain);
        }).get();
        long took = System.nanoTime() - start;
        if (!(record[0] instanceof StsRecordLookup.Answered) || !(policy instanceof StsPolicyFetch.Parsed)) {
            throw new IllegalStateException(domain + ": " + record[0] + " " + policy);
        }
        return took;
    }

    /**
     * The daemon's network sides, timed per domain: from the call that starts the TXT lookup to the
     * completion of the policy fetch (stamped before the resolver's own continuation runs).
     */
    private static final class NetworkTimes {
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private final Map<String, Long> ended = new ConcurrentHashMap<>();

        StsNetwork timing(StsNetwork network) {
            StsRecordSource records = domain -> {
                started.put(domain, System.nanoTime());
                return network.records().lookup(domain);
            };
            StsPolicySource policies = domain -> network.policies().fetch(domain)
                    .whenComplete((fetched, error) -> ended.put(domain, System.nanoTime()));
            return StsNetwork.wrapping(network, records, policies);
        }

        long took(String domain) {
            Long start = started.get(domain);
            Long end = ended.get(domain);
            if (start == null || end == null) {
                throw new IllegalStateException(domain + " was not fetched by the daemon's network sides");
            }
            return end - start;
        }
    }

    /** Per measured round: the first contact, its network part, the cached answer, the network alone. */
    private static final class Samples {
        private final List<Long> door = new ArrayList<>();
        private final List<Long> doorNetwork = new ArrayList<>();
        private final List<Long> own = new ArrayList<>();
        private final List<Long> cached = new ArrayList<>();
        private final List<Long> direct = new ArrayList<>();

        void add(long firstContact, long itsNetwork, long cachedAnswer, long networkAlone) {
            door.add(firstContact);
            doorNetwork.add(itsNetwork);
            own.add(firstContact - itsNetwork);
            cached.add(cachedAnswer);
            direct.add(networkAlone);
        }

        void report(int rounds) {
            long[] d = sorted(door);
            long[] dn = sorted(doorNetwork);
            long[] o = sorted(own);
            long[] c = sorted(cached);
            long[] n = sorted(direct);
            System.out.printf("rounds=%d (one fresh domain each way per round)%n", rounds);
            System.out.printf("%-5s %12s %12s %12s %12s | %12s %12s%n", "", "first(ms)", "its net(ms)", "own(ms)",
                    "cached(ms)", "net alone", "difference");
            for (double q : new double[] {0.10, 0.25, 0.50, 0.75, 0.90, 0.99}) {
                System.out.printf("p%-4s %12.3f %12.3f %12.3f %12.3f | %12.3f %12.3f%n", trim(q * 100),
                        ms(quantile(d, q)), ms(quantile(dn, q)), ms(quantile(o, q)), ms(quantile(c, q)),
                        ms(quantile(n, q)), ms(quantile(d, q) - quantile(n, q)));
            }
            System.out.printf("mean  %12.3f %12.3f %12.3f %12.3f | %12.3f %12.3f%n", ms(mean(d)), ms(mean(dn)),
                    ms(mean(o)), ms(mean(c)), ms(mean(n)), ms(mean(d) - mean(n)));
        }

        private static long[] sorted(List<Long> values) {
            return values.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        private static double mean(long[] values) {
            return Arrays.stream(values).average().orElse(0);
        }

        private static double ms(double nanos) {
            return nanos / 1e6;
        }
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static long quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
