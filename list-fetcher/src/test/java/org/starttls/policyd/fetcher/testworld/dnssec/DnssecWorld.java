package org.starttls.policyd.fetcher.testworld.dnssec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A DNSSEC world on loopback, made at test time: a root zone signed with a fresh key, the test
 * zones delegated from it (signed ones with their DS), all served by one NSD, and a validating
 * unbound whose only trust anchor is that root key. Optionally a second unbound that does not
 * validate. Everything lives in one temporary directory; {@link #close()} stops the processes and
 * deletes it. Start one world per test class: unbound caches answers, negative ones too.
 *
 * <pre>{@code
 * try (DnssecWorld world = DnssecWorld.builder()
 *         .zone(TestZone.signed("dane.test").mx(10, "mx.dane.test").a("mx.dane.test", "127.0.0.1")
 *                 .smtpTlsa("mx.dane.test", 3, 1, 1, sha256Hex))
 *         .zone(TestZone.unsigned("plain.test").mx(10, "mx.plain.test").a("mx.plain.test", "127.0.0.1"))
 *         .start()) {
 *     InetSocketAddress resolver = world.validatingResolver();
 * }
 * }</pre>
 */
public final class DnssecWorld implements AutoCloseable {
    private static final int START_ATTEMPTS = 3;
    /** Signatures start an hour back so clock granularity never makes them "not yet valid". */
    private static final Duration INCEPTION_BACKDATE = Duration.ofHours(1);
    private static final Duration SIGNATURE_LIFETIME = Duration.ofDays(30);
    private static final Instant EXPIRED_INCEPTION = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant EXPIRED_EXPIRATION = Instant.parse("2020-02-01T00:00:00Z");

    private final Path directory;
    private final String rootTrustAnchor;
    private final NsdServer authoritative;
    private final UnboundResolver validating;
    private final UnboundResolver nonValidating;
    private final InetAddress validatingOnPort53;
    private final Duration startupTime;

    private DnssecWorld(Path directory, String rootTrustAnchor, NsdServer authoritative, UnboundResolver validating,
            UnboundResolver nonValidating, InetAddress validatingOnPort53, Duration startupTime) {
        this.directory = directory;
        this.rootTrustAnchor = rootTrustAnchor;
        this.authoritative = authoritative;
        this.validating = validating;
        this.nonValidating = nonValidating;
        this.validatingOnPort53 = validatingOnPort53;
        this.startupTime = startupTime;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The validating unbound (AD set on validated answers, SERVFAIL on bogus ones). */
    public InetSocketAddress validatingResolver() {
        return validating.address();
    }

    /** The unbound without the validator; only when the builder asked for it. */
    public InetSocketAddress nonValidatingResolver() {
        if (nonValidating == null) {
            throw new IllegalStateException("this world has no non-validating resolver: ask for one with "
                    + "Builder.withNonValidatingResolver()");
        }
        return nonValidating.address();
    }

    /** The validating unbound at port 53; only when the builder asked for it. */
    public InetSocketAddress validatingResolverOnPort53() {
        if (validatingOnPort53 == null) {
            throw new IllegalStateException("this world's validating resolver is not on port 53: ask for it with "
                    + "Builder.withValidatingResolverOnPort53(address)");
        }
        return new InetSocketAddress(validatingOnPort53, 53);
    }

    /** NSD, authoritative for the root and every test zone (no recursion, no validation). */
    public InetSocketAddress authoritativeServer() {
        return authoritative.address();
    }

    /** The root's DS record, the validating unbound's only trust anchor (presentation form). */
    public String rootTrustAnchor() {
        return rootTrustAnchor;
    }

    /** The validating unbound's configuration file, for a Postfix or other client that needs its own copy. */
    public Path validatingResolverConfig() {
        return validating.config();
    }

    /** From signing the first zone to the last resolver answering. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            if (nonValidating != null) {
                nonValidating.close();
            }
            validating.close();
            authoritative.close();
        } finally {
            deleteTree(directory);
        }
    }

    /** Collects the zones, then signs, serves and starts everything in {@link #start()}. */
    public static final class Builder {
        private final Map<String, TestZone> zones = new LinkedHashMap<>();
        private boolean nonValidatingResolver;
        private InetAddress validatingAlsoOn;
        private InetAddress validatingOnPort53;

        private Builder() {}

        public Builder zone(TestZone zone) {
            if (zones.putIfAbsent(zone.name(), zone) != null) {
                throw new IllegalArgumentException("zone " + zone.name() + " is already in the world");
            }
            for (String other : zones.keySet()) {
                if (!other.equals(zone.name()) && (other.endsWith("." + zone.name()) || zone.name().endsWith("." + other))) {
                    throw new IllegalArgumentException("zones " + other + " and " + zone.name()
                            + " nest; every test zone is delegated from the root");
                }
            }
            return this;
        }

        /** Also start an unbound that does not validate (never sets AD). */
        public Builder withNonValidatingResolver() {
            this.nonValidatingResolver = true;
            return this;
        }

        /**
         * The validating unbound also answers on {@code localAddress} (an address of this host that is
         * not loopback), same port: to show that AD from such an address is not trusted.
         */
        public Builder withValidatingResolverAlsoOn(InetAddress localAddress) {
            if (localAddress.isLoopbackAddress()) {
                throw new IllegalArgumentException(localAddress + " is a loopback address");
            }
            this.validatingAlsoOn = localAddress;
            return this;
        }

        /**
         * The validating unbound also answers on port 53 of {@code loopbackAddress} (such as
         * 127.25.0.1; needs root): for clients that cannot be told a port, such as the C library's
         * resolver, which reads only {@code nameserver ADDRESS} from resolv.conf (Postfix).
         */
        public Builder withValidatingResolverOnPort53(InetAddress loopbackAddress) {
            if (!loopbackAddress.isLoopbackAddress() || loopbackAddress.getAddress().length != 4) {
                throw new IllegalArgumentException(loopbackAddress + " is not an IPv4 loopback address");
            }
            this.validatingOnPort53 = loopbackAddress;
            return this;
        }

        /** Skips the test (or fails it under {@code -Dpolicyd.e2e.required=true}) when the programs are missing. */
        public DnssecWorld start() {
            DnssecTools tools = DnssecTools.findOrSkip();
            long started = System.nanoTime();
            Path directory = createDirectory();
            List<AutoCloseable> running = new ArrayList<>();
            try {
                Map<String, Path> served = signZones(tools, directory);
                String anchor = Files.readString(directory.resolve("root.anchor")).strip();
                NsdServer nsd = startWithRetries(port -> NsdServer.start(tools, directory, served, port),
                        NsdServer::process, NsdServer::address, running);
                UnboundResolver validating = startWithRetries(port -> UnboundResolver.start(tools, directory,
                        "unbound-validating", port, nsd.address(), directory.resolve("root.anchor"), validatingAlsoOn,
                        validatingOnPort53),
                        UnboundResolver::process, UnboundResolver::address, running);
                UnboundResolver plain = !nonValidatingResolver ? null : startWithRetries(port ->
                        UnboundResolver.start(tools, directory, "unbound-plain", port, nsd.address(), null, null, null),
                        UnboundResolver::process, UnboundResolver::address, running);
                return new DnssecWorld(directory, anchor, nsd, validating, plain, validatingOnPort53,
                        Duration.ofNanos(System.nanoTime() - started));
            } catch (IOException e) {
                throw abandon(directory, running, new UncheckedIOException(e));
            } catch (RuntimeException e) {
                throw abandon(directory, running, e);
            } catch (Error e) {
                throw abandon(directory, running, e);
            }
        }

        /** Stops what started and removes the directory; returns {@code failure} to be thrown. */
        private static <E extends Throwable> E abandon(Path directory, List<AutoCloseable> running, E failure) {
            for (AutoCloseable process : running) {
                try {
                    process.close();
                } catch (Exception suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
            deleteTree(directory);
            return failure;
        }

        /** Writes and signs every zone, then the root with their delegations; returns what NSD serves. */
        private Map<String, Path> signZones(DnssecTools tools, Path directory) throws IOException {
            ZoneSigner signer = new ZoneSigner(tools, directory);
            Instant now = Instant.now();
            Map<String, Path> served = new LinkedHashMap<>();
            StringBuilder root = new StringBuilder()
                    .append("$ORIGIN .\n$TTL ").append(TestZone.TTL_SECONDS).append('\n')
                    .append(". IN SOA a.root-servers.test. hostmaster.root-servers.test. 1 3600 600 86400 ")
                    .append(TestZone.TTL_SECONDS).append('\n')
                    .append(". IN NS a.root-servers.test.\n")
                    .append("a.root-servers.test. IN A 127.0.0.1\n");
            for (TestZone zone : zones.values()) {
                Path file = directory.resolve(zone.name() + ".zone");
                Files.writeString(file, zone.zoneFile());
                root.append(zone.name()).append(". IN NS ").append(zone.nameServer()).append(".\n")
                        .append(zone.nameServer()).append(". IN A 127.0.0.1\n");
                switch (zone.kind()) {
                    case UNSIGNED -> served.put(zone.name(), file);
                    case SIGNED, EXPIRED_SIGNATURES -> {
                        boolean expired = zone.kind() == TestZone.Kind.EXPIRED_SIGNATURES;
                        ZoneSigner.SignedZone signed = signer.sign(zone.name(), file,
                                expired ? EXPIRED_INCEPTION : now.minus(INCEPTION_BACKDATE),
                                expired ? EXPIRED_EXPIRATION : now.plus(SIGNATURE_LIFETIME), zone.brokenSignatures());
                        served.put(zone.name(), signed.file());
                        root.append(signed.ds()).append('\n');
                    }
                }
            }
            Path rootFile = directory.resolve("root.zone");
            Files.writeString(rootFile, root.toString());
            ZoneSigner.SignedZone signedRoot = signer.sign("", rootFile, now.minus(INCEPTION_BACKDATE),
                    now.plus(SIGNATURE_LIFETIME), java.util.Set.of());
            Files.writeString(directory.resolve("root.anchor"), signedRoot.ds() + "\n");
            Map<String, Path> all = new LinkedHashMap<>();
            all.put("", signedRoot.file());
            all.putAll(served);
            return all;
        }
    }

    /** Starts a server on a fresh port, again on another when it dies at once (a port taken meanwhile). */
    private static <T extends AutoCloseable> T startWithRetries(IntFunction<T> starter,
            java.util.function.Function<T, ExternalProcess> process,
            java.util.function.Function<T, InetSocketAddress> address, List<AutoCloseable> running) {
        String lastLog = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            T server = starter.apply(LoopbackPorts.freePort());
            running.add(server);
            if (ServerReadiness.awaitAnswer(process.apply(server), address.apply(server))) {
                return server;
            }
            lastLog = process.apply(server).logTail();
            running.remove(server);
            try {
                server.close();
            } catch (Exception ignored) {
                // it already exited
            }
        }
        throw new IllegalStateException("could not start a DNS server of the world in " + START_ATTEMPTS
                + " attempts; last log:\n" + lastLog);
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("dnssec-world-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }
}
