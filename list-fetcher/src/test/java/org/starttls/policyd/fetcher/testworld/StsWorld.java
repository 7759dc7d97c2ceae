package org.starttls.policyd.fetcher.testworld;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.starttls.policyd.fetcher.dns.DnsSettings;

/**
 * A small Internet for MTA-STS tests: a {@link TestDnsServer} (the resolver), a {@link TestCa}
 * (the only CA trusted), and {@link PolicyHosts} on one HTTPS port, all on 127.0.0.1. Each policy
 * host {@code mta-sts.DOMAIN} resolves to 127.0.0.1; the client must be given {@link #httpsPort()}
 * instead of 443.
 *
 * <pre>{@code
 * try (StsWorld world = StsWorld.start()) {
 *     world.publish("example.test", "20240101", StsWorld.policy("enforce", 86400, "mx.example.test"));
 *     world.breakDns(StsWorld.recordName("broken.test"), TestDnsServer.Fault.SERVFAIL);
 *     world.serve("moved.test", PolicyResponse.redirect(301, "https://elsewhere.test/"));
 * }
 * }</pre>
 */
public final class StsWorld implements AutoCloseable {
    public static final String POLICY_HOST_ADDRESS = "127.0.0.1";

    private final TestDnsServer dns;
    private final TestCa ca;
    private final PolicyHosts hosts;

    private StsWorld(TestDnsServer dns, TestCa ca, PolicyHosts hosts) {
        this.dns = dns;
        this.ca = ca;
        this.hosts = hosts;
    }

    /** A world with its HTTPS port on a free port. */
    public static StsWorld start() throws IOException {
        return start(0);
    }

    /** A world with its HTTPS port on {@code httpsPort} (0: a free one; 443 needs root). */
    public static StsWorld start(int httpsPort) throws IOException {
        TestCa ca = TestCa.create();
        TestDnsServer dns = TestDnsServer.start();
        try {
            return new StsWorld(dns, ca, PolicyHosts.start(ca, httpsPort));
        } catch (IOException | RuntimeException e) {
            dns.close();
            throw e;
        }
    }

    /** {@code _mta-sts.DOMAIN}: where the TXT record lives. */
    public static String recordName(String domain) {
        return "_mta-sts." + domain;
    }

    /** {@code mta-sts.DOMAIN}: the policy host. */
    public static String policyHost(String domain) {
        return "mta-sts." + domain;
    }

    /** A policy file's text: {@code version: STSv1}, the mode, one {@code mx:} per pattern, max_age. */
    public static String policy(String mode, long maxAgeSeconds, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: ").append(mode).append("\r\n");
        for (String pattern : mx) {
            text.append("mx: ").append(pattern).append("\r\n");
        }
        return text.append("max_age: ").append(maxAgeSeconds).append("\r\n").toString();
    }

    /**
     * Publishes MTA-STS for {@code domain}: the TXT record {@code v=STSv1; id=ID;} (replacing any
     * earlier one), the policy host's address, and the policy file served as {@code text/plain}.
     */
    public StsWorld publish(String domain, String id, String policyText) {
        publishRecord(domain, "v=STSv1; id=" + id + ";");
        return serve(domain, PolicyResponse.policy(policyText));
    }

    /** Replaces the TXT records at {@code _mta-sts.DOMAIN} with these (one string each). */
    public StsWorld publishRecord(String domain, String... txtRecords) {
        String name = recordName(domain);
        dns.remove(name);
        for (String record : txtRecords) {
            dns.txt(name, record);
        }
        return this;
    }

    /** Makes {@code mta-sts.DOMAIN} resolve to 127.0.0.1 and answer {@code response}. */
    public StsWorld serve(String domain, PolicyResponse response) {
        String host = policyHost(domain);
        dns.remove(host);
        dns.a(host, POLICY_HOST_ADDRESS);
        hosts.serve(host, response);
        return this;
    }

    /** The certificate {@code mta-sts.DOMAIN} presents from now on. */
    public StsWorld certificate(String domain, TestCertificate certificate) {
        hosts.certificate(policyHost(domain), certificate);
        return this;
    }

    /** Removes the TXT record, the policy host's address and its policy: the domain has no MTA-STS. */
    public StsWorld unpublish(String domain) {
        dns.remove(recordName(domain));
        dns.remove(policyHost(domain));
        hosts.serve(policyHost(domain), PolicyResponse.status(404));
        return this;
    }

    /** Every query for the exact {@code name} meets {@code fault} (e.g. {@link #recordName}). */
    public StsWorld breakDns(String name, TestDnsServer.Fault fault) {
        dns.fault(name, fault);
        return this;
    }

    public StsWorld repairDns(String name) {
        dns.heal(name);
        return this;
    }

    /** TXT queries seen for {@code _mta-sts.DOMAIN}. */
    public int recordQueries(String domain) {
        return dns.queries(recordName(domain));
    }

    /** Policy requests {@code mta-sts.DOMAIN} received. */
    public int policyRequests(String domain) {
        return hosts.requests(policyHost(domain));
    }

    /** The test CA's root in PEM: the only trust anchor a client of this world needs. */
    public String trustPem() {
        return ca.rootPem();
    }

    /** Writes {@link #trustPem()} to {@code file} (for {@code mta-sts.trust-store}). */
    public Path writeTrustPem(Path file) throws IOException {
        return ca.writeRootPem(file);
    }

    public InetSocketAddress resolverAddress() {
        return dns.address();
    }

    /** {@code 127.0.0.1:PORT}, as {@code dns.resolver} takes it. */
    public String resolverSetting() {
        return dns.resolverSetting();
    }

    /**
     * DNS settings pointing at this world's server. The timeout is a hang guard, generous for a
     * loaded machine; a test that waits out a silent server sets its own shorter one.
     */
    public DnsSettings dnsSettings() {
        return new DnsSettings(dns.address(), Duration.ofSeconds(10));
    }

    public int httpsPort() {
        return hosts.port();
    }

    public TestDnsServer dns() {
        return dns;
    }

    public TestCa ca() {
        return ca;
    }

    public PolicyHosts hosts() {
        return hosts;
    }

    @Override
    public void close() {
        hosts.close();
        dns.close();
    }
}
