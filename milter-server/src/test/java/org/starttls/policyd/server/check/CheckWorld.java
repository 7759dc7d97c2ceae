package org.starttls.policyd.server.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.fetcher.testworld.PolicyHosts;
import org.starttls.policyd.fetcher.testworld.PolicyResponse;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.TestCa;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.server.probe.ProbeFixture;

/**
 * The eligibility check's world: the probe's fake MXes ({@link ProbeFixture}: one of each kind,
 * one port, one DNS server) plus MTA-STS policy hosts on one HTTPS port ({@link PolicyHosts},
 * their own test CA), and one trust bundle holding both CAs. Each domain below has one kind of MX
 * or of MTA-STS, so a verdict has one cause.
 */
public final class CheckWorld implements AutoCloseable {
    /** Every MX passes, no MTA-STS. */
    public static final String GOOD = "good.test";
    /** A good MX and an MTA-STS policy in enforce mode whose wildcard covers it. */
    public static final String STS_ENFORCE = "sts-enforce.test";
    /** A good MX and an MTA-STS policy in testing mode. */
    public static final String STS_TESTING = "sts-testing.test";
    /** A good MX that the domain's MTA-STS policy does not name. */
    public static final String STS_UNCOVERED = "sts-uncovered.test";
    /** A good MX, an MTA-STS record, and a policy host that answers 404. */
    public static final String STS_BROKEN = "sts-broken.test";
    /** A good MX, and SERVFAIL for the MTA-STS record. */
    public static final String STS_DNS_FAILS = "sts-dnsfail.test";
    /** A good MX and an MTA-STS policy in mode none. */
    public static final String STS_NONE = "sts-none.test";
    public static final String PLAIN = "plain.test";
    public static final String BROKEN_TLS = "brokentls.test";
    /** Its MX's newest TLS version is 1.1. */
    public static final String LEGACY_TLS = "legacytls.test";
    public static final String WRONG_NAME = "wrongname.test";
    public static final String EXPIRED = "expired.test";
    public static final String UNTRUSTED = "untrusted.test";
    public static final String DARK = "dark.test";
    /** A good MX (preference 10) beside a plain one (20). */
    public static final String MIXED = "mixed.test";
    /** A good MX (10) beside one that never answers (20). */
    public static final String HALF_DARK = "halfdark.test";
    /** Nothing at all in DNS: NXDOMAIN. */
    public static final String MISSING = "missing.test";

    public final ProbeFixture mxes;
    public final PolicyHosts policyHosts;
    public final Path trustBundle;

    public CheckWorld(Path dir) throws IOException {
        mxes = new ProbeFixture(dir);
        TestCa stsCa = TestCa.create();
        policyHosts = PolicyHosts.start(stsCa);
        trustBundle = dir.resolve("trust-bundle.pem");
        Files.writeString(trustBundle, Files.readString(mxes.settings().trustStore()) + "\n" + stsCa.rootPem());
        TestDnsServer dns = mxes.dns;
        for (String domain : List.of(GOOD, STS_ENFORCE, STS_TESTING, STS_UNCOVERED, STS_BROKEN, STS_DNS_FAILS, STS_NONE)) {
            dns.mx(domain, 10, ProbeFixture.GOOD);
        }
        dns.mx(PLAIN, 10, ProbeFixture.PLAIN).mx(BROKEN_TLS, 10, ProbeFixture.BROKEN_TLS)
                .mx(LEGACY_TLS, 10, ProbeFixture.LEGACY_TLS)
                .mx(WRONG_NAME, 10, ProbeFixture.WRONG_NAME).mx(EXPIRED, 10, ProbeFixture.EXPIRED)
                .mx(UNTRUSTED, 10, ProbeFixture.SELF_SIGNED).mx(DARK, 10, ProbeFixture.SILENT)
                .mx(MIXED, 10, ProbeFixture.GOOD).mx(MIXED, 20, ProbeFixture.PLAIN)
                .mx(HALF_DARK, 10, ProbeFixture.GOOD).mx(HALF_DARK, 20, ProbeFixture.SILENT);
        dns.tlsa("_25._tcp." + ProbeFixture.GOOD, 3, 1, 1, new byte[32]);
        publish(STS_ENFORCE, StsWorld.policy("enforce", 86400, "*.mx.test"));
        publish(STS_TESTING, StsWorld.policy("testing", 86400, ProbeFixture.GOOD));
        publish(STS_UNCOVERED, StsWorld.policy("enforce", 86400, "mx.elsewhere.test"));
        publish(STS_NONE, "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");
        publish(STS_BROKEN, null);
        policyHosts.serve(StsWorld.policyHost(STS_BROKEN), PolicyResponse.status(404));
        dns.txt(StsWorld.recordName(STS_DNS_FAILS), "v=STSv1; id=1;").fault(StsWorld.recordName(STS_DNS_FAILS),
                TestDnsServer.Fault.SERVFAIL);
    }

    private void publish(String domain, String policy) {
        mxes.dns.txt(StsWorld.recordName(domain), "v=STSv1; id=20261202;");
        mxes.dns.a(StsWorld.policyHost(domain), StsWorld.POLICY_HOST_ADDRESS);
        if (policy != null) {
            policyHosts.serve(StsWorld.policyHost(domain), PolicyResponse.policy(policy));
        }
    }

    /** The options that point {@code policyctl check} and {@code list build} at this world. */
    public List<String> options() {
        return new ArrayList<>(List.of("--resolver", mxes.dns.resolverSetting(), "--port",
                String.valueOf(mxes.settings().port()), "--sts-port", String.valueOf(policyHosts.port()),
                "--trust-store", trustBundle.toString(), "--timeout", "2"));
    }

    @Override
    public void close() throws IOException {
        policyHosts.close();
        mxes.close();
    }
}
