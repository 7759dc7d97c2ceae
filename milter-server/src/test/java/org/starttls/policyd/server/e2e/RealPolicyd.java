package org.starttls.policyd.server.e2e;

import static org.starttls.policyd.server.e2e.E2EDomains.DOWNGRADED;
import static org.starttls.policyd.server.e2e.E2EDomains.ENFORCE;
import static org.starttls.policyd.server.e2e.E2EDomains.TAG_HEADER;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.socketmap.SocketmapServer;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;

/**
 * The real daemon for the end-to-end tests: started in this JVM the way {@code policyd
 * --list-file ... --keyring ...} starts, on a list signed in the test with {@link E2EDomains}'
 * enforce domains. One piece is a test signal instead of the real thing: the knowledge that
 * {@link E2EDomains#DOWNGRADED} is under a downgrade, which in production the probe supplies
 * after connecting to the domain's MXes ({@code PostfixDowngradeProbeE2ETest} runs the real probe).
 */
final class RealPolicyd implements PolicydUnderTest {
    static final String SOCKETMAP_NAME = "starttls";

    private final Path dir;
    private final Policyd daemon;

    private RealPolicyd(Path dir, Policyd daemon) {
        this.dir = dir;
        this.daemon = daemon;
    }

    static RealPolicyd start() throws IOException {
        return start(Map.of(ENFORCE, "." + ENFORCE, DOWNGRADED, "." + DOWNGRADED), true, config -> {
        });
    }

    /** As {@link #start()}, with {@code adjust} changing the configuration first (e.g. a door on a unix socket). */
    static RealPolicyd start(Consumer<PolicydConfig> adjust) throws IOException {
        return start(Map.of(ENFORCE, "." + ENFORCE, DOWNGRADED, "." + DOWNGRADED), true, adjust);
    }

    /**
     * The same daemon on a list of other domains (each enforced with the one MX pattern given),
     * answering with or without {@code servername=hostname} ({@code socketmap.servername}).
     */
    static RealPolicyd start(Map<String, String> domainToMxPattern, boolean servername) throws IOException {
        return start(domainToMxPattern, servername, config -> {
        });
    }

    /**
     * The same daemon with live MTA-STS on, as {@code policyd} runs with {@code dns.resolver} and
     * {@code mta-sts.trust-store} pointing at {@code world}'s DNS server and CA, on a list of
     * {@code domainToMxPattern}. The one difference from production is the policy hosts' port:
     * the daemon fetches from 443, this one from the world's port (handed to {@link Policyd#start}
     * in code, not in the configuration, so no admin can move it).
     */
    static RealPolicyd startWithMtaSts(StsWorld world, Map<String, String> domainToMxPattern) throws IOException {
        return startWithMtaSts(world, domainToMxPattern, "");
    }

    /** As above, with {@code overridesYaml} (unless empty) as the local overrides file ({@code overrides.file}). */
    static RealPolicyd startWithMtaSts(StsWorld world, Map<String, String> domainToMxPattern, String overridesYaml)
            throws IOException {
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort());
        return start(domainToMxPattern, true, (config, dir) -> {
            config.mtaSts.enabled = true;
            config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("test-ca.pem")).toString();
            config.dns.resolver = world.resolverSetting();
            if (!overridesYaml.isEmpty()) {
                Path overrides = java.nio.file.Files.writeString(dir.resolve("overrides.yaml"), overridesYaml);
                config.overrides.file = overrides.toString();
            }
        }, settings -> StsNetwork.open(settings, fetch));
    }

    /**
     * The same daemon with DANE on, as {@code policyd} runs with {@code dns.resolver} naming the
     * validating resolver Postfix uses too ({@code world}'s validating unbound), on a list of
     * {@code domainToMxPattern}. MTA-STS stays off: DANE alone decides the domains with TLSA.
     */
    static RealPolicyd startWithDane(DnssecWorld world, Map<String, String> domainToMxPattern) throws IOException {
        InetSocketAddress resolver = world.validatingResolver();
        return start(domainToMxPattern, true, config -> {
            config.dane.enabled = true;
            config.dane.validationCheck = ".";
            config.dns.resolver = resolver.getAddress().getHostAddress() + ":" + resolver.getPort();
        });
    }

    /** A change to the configuration, given the daemon's directory for any files it needs. */
    @FunctionalInterface
    private interface ConfigChange {
        void apply(PolicydConfig config, Path dir) throws IOException;
    }

    private static RealPolicyd start(Map<String, String> domainToMxPattern, boolean servername,
            Consumer<PolicydConfig> adjust) throws IOException {
        return start(domainToMxPattern, servername, (config, dir) -> adjust.accept(config), StsNetwork::open);
    }

    private static RealPolicyd start(Map<String, String> domainToMxPattern, boolean servername,
            ConfigChange adjust, StsNetwork.Factory stsNetwork) throws IOException {
        Path dir = Files.createTempDirectory("policyd-e2e-");
        try {
            Instant now = Instant.now();
            Path list = TestLists.signed(TestKeys.primary(), now.minusSeconds(60), now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(14)), domainToMxPattern)
                    .writeTo(dir, "policy.json");
            PolicydConfig config = LocalDaemon.config(dir, list);
            config.socketmap.servername = servername;
            config.policyService.prependHeader = TAG_HEADER;
            adjust.apply(config, dir);
            DaemonSettings settings = DaemonSettings.from(config, null);
            Policyd daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(), RealPolicyd::markDowngraded,
                    stsNetwork);
            return new RealPolicyd(dir, daemon);
        } catch (ConfigException | IOException | RuntimeException e) {
            deleteTree(dir);
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        }
    }

    /** The downgrade signal the probe would give, for one domain, without any network. */
    private static ReceiptDecider markDowngraded(ReceiptDecider list) {
        return domain -> {
            var decision = list.decideAtReceipt(domain);
            return decision.verdict() == Verdict.REQUIRE_TLS && decision.domain().equals(DOWNGRADED)
                    ? decision.underDowngrade("STARTTLS to " + DOWNGRADED + " was stripped (test signal)")
                    : decision;
        };
    }

    /** Reloads as {@code SIGHUP} does and waits for it: whether the list part succeeded (a {@code list.url} fetched and installed). */
    boolean reloadList() throws Exception {
        return daemon.reloadAll().get(60, java.util.concurrent.TimeUnit.SECONDS).list().succeeded();
    }

    private int port(String door) {
        return LocalDaemon.port(daemon, door);
    }

    /** The admin command {@code lookup DOMAIN [MAP]}'s JSON reply: what the map answers and which source decided. */
    com.fasterxml.jackson.databind.JsonNode adminLookup(String domain, String map) throws IOException {
        return LocalDaemon.admin(daemon, "lookup " + domain + " " + map);
    }

    @Override
    public int socketmapPort() {
        return port(SocketmapServer.NAME);
    }

    @Override
    public String socketmapName() {
        return SOCKETMAP_NAME;
    }

    @Override
    public int policyPort() {
        return port(PolicyServiceServer.NAME);
    }

    @Override
    public void close() throws IOException {
        try {
            daemon.close();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
