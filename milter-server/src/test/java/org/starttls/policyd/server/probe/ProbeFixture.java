package org.starttls.policyd.server.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.server.testing.FakeMx;
import org.starttls.policyd.server.testing.FakeMx.Behaviour;
import org.starttls.policyd.server.testing.TestCertificates;
import org.starttls.policyd.server.testing.TestCertificates.Issued;
import org.xbill.DNS.SimpleResolver;

/**
 * One fake MX of each kind, each on its own loopback address and all on one port (the probe's
 * port is one setting), named in a local DNS server: the world the probe tests run in. The clock
 * is frozen; certificates are minted around it by a test CA that the trust store trusts.
 */
public final class ProbeFixture implements AutoCloseable {
    /** Real time at start, frozen: certificates are minted around it, and a daemon on the system clock agrees. */
    static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** The policy's pattern: every fake below is under it, except {@link #OUTSIDE}. */
    public static final String PATTERN = ".mx.test";

    public static final String PLAIN = "plain.mx.test";
    public static final String BROKEN_TLS = "broken.mx.test";
    /** Answers STARTTLS, then a ServerHello for TLS 1.1: the newest version it has. */
    public static final String LEGACY_TLS = "legacy.mx.test";
    public static final String SELF_SIGNED = "selfsigned.mx.test";
    public static final String EXPIRED = "expired.mx.test";
    public static final String WRONG_NAME = "wrongname.mx.test";
    public static final String GOOD = "good.mx.test";
    public static final String SILENT = "silent.mx.test";
    /** Connect and per-command limit of {@link #settings()}: what the silent MX costs a probe. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** The whole probe of a domain: well above its MXes' command timeouts. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    public static final String CLOSED = "closed.mx.test";
    /** Answers like {@link #GOOD} (same certificate), but its name is outside the policy. */
    public static final String OUTSIDE = "mx.elsewhere.test";

    public final TestDnsServer dns;
    final Path trustStore;
    final List<FakeMx> fakes = new ArrayList<>();
    /** Each fake's name and address, as {@link #dns} has them. */
    private final java.util.Map<String, String> addresses = new java.util.LinkedHashMap<>();
    final FakeMx plain;
    final FakeMx good;
    final int port;

    public ProbeFixture(Path dir) throws IOException {
        Issued ca = TestCertificates.ca("Probe Test CA", NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(365)));
        trustStore = ca.writePem(dir.resolve("ca.pem"));
        Instant from = NOW.minus(Duration.ofDays(10));
        Instant to = NOW.plus(Duration.ofDays(80));
        dns = TestDnsServer.start();
        plain = FakeMx.start(loopback(2), 0, Behaviour.NO_STARTTLS, null);
        fakes.add(plain);
        port = plain.port();
        name(PLAIN, loopback(2));
        add(BROKEN_TLS, 3, Behaviour.BROKEN_TLS, null);
        add(LEGACY_TLS, 10, Behaviour.TLS_1_1_ONLY, null);
        add(SELF_SIGNED, 4, Behaviour.TLS, TestCertificates.selfSigned(SELF_SIGNED, List.of(SELF_SIGNED), from, to));
        add(EXPIRED, 5, Behaviour.TLS, TestCertificates.issue(ca, EXPIRED, List.of(EXPIRED),
                NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(1))));
        add(WRONG_NAME, 6, Behaviour.TLS, TestCertificates.issue(ca, "other.test", List.of("other.test"), from, to));
        good = add(GOOD, 7, Behaviour.TLS, TestCertificates.issue(ca, GOOD, List.of(GOOD), from, to));
        add(SILENT, 8, Behaviour.SILENT, null);
        name(CLOSED, loopback(9)); // nobody listens there
        name(OUTSIDE, loopback(7));
    }

    private FakeMx add(String name, int lastOctet, Behaviour behaviour, Issued certificate) throws IOException {
        FakeMx fake = FakeMx.start(loopback(lastOctet), port, behaviour,
                certificate == null ? null : certificate.serverContext());
        fakes.add(fake);
        name(name, loopback(lastOctet));
        return fake;
    }

    private void name(String name, InetAddress address) {
        dns.a(name, address.getHostAddress());
        addresses.put(name, address.getHostAddress());
    }

    /** The loopback address the fake named {@code name} listens on (for another world's DNS). */
    public String address(String name) {
        return addresses.get(name);
    }

    /** Names the fakes in {@code other} too, for a daemon whose one resolver is another world's. */
    public void nameFakesIn(TestDnsServer other) {
        addresses.forEach(other::a);
    }

    static InetAddress loopback(int lastOctet) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
    }

    /**
     * Probe settings for this world: its port, and timeouts that only the silent MX is meant to hit.
     * They are generous (a TLS handshake with a fake MX in the same JVM can take seconds at a load
     * average of 20 on two cores), so a slow answer is never mistaken for a silent MX; the price is
     * a few seconds per probe of the silent MX.
     */
    public ProbeSettings settings() {
        return ProbeSettings.DISABLED.withEnabled(true).withPort(port).withResolver(dns.address())
                .withTrustStore(trustStore).withEhloName("probe.client.test")
                .withTimeouts(COMMAND_TIMEOUT, COMMAND_TIMEOUT, PROBE_TIMEOUT);
    }

    DomainProber prober() throws IOException {
        return new DomainProber(settings(), new SimpleResolver(dns.address()), TrustAnchors.load(trustStore), CLOCK);
    }

    @Override
    public void close() throws IOException {
        for (FakeMx fake : fakes) {
            fake.close();
        }
        dns.close();
    }
}
