package org.starttls.policyd.server.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.probe.ProbeFixture.BROKEN_TLS;
import static org.starttls.policyd.server.probe.ProbeFixture.CLOSED;
import static org.starttls.policyd.server.probe.ProbeFixture.EXPIRED;
import static org.starttls.policyd.server.probe.ProbeFixture.LEGACY_TLS;
import static org.starttls.policyd.server.probe.ProbeFixture.GOOD;
import static org.starttls.policyd.server.probe.ProbeFixture.OUTSIDE;
import static org.starttls.policyd.server.probe.ProbeFixture.PATTERN;
import static org.starttls.policyd.server.probe.ProbeFixture.PLAIN;
import static org.starttls.policyd.server.probe.ProbeFixture.SELF_SIGNED;
import static org.starttls.policyd.server.probe.ProbeFixture.SILENT;
import static org.starttls.policyd.server.probe.ProbeFixture.WRONG_NAME;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/** Each kind of MX, probed for real over loopback, gets its RFC 8460 classification; domains conclude from them. */
class DomainProberTest {
    private static final TlsPolicy POLICY = new TlsPolicy(PolicyMode.ENFORCE, List.of(MxPattern.of(PATTERN)), null);

    @TempDir
    static Path dir;
    private static ProbeFixture world;
    private static DomainProber prober;

    @BeforeAll
    static void startTheWorld() throws IOException {
        world = new ProbeFixture(dir);
        prober = world.prober();
    }

    @AfterAll
    static void stopTheWorld() throws IOException {
        prober.close();
        world.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        PLAIN + ", STARTTLS_NOT_SUPPORTED, DOWNGRADE",
        BROKEN_TLS + ", VALIDATION_FAILURE, DOWNGRADE",
        LEGACY_TLS + ", VALIDATION_FAILURE, DOWNGRADE",
        SELF_SIGNED + ", CERTIFICATE_NOT_TRUSTED, DOWNGRADE",
        EXPIRED + ", CERTIFICATE_EXPIRED, DOWNGRADE",
        WRONG_NAME + ", CERTIFICATE_HOST_MISMATCH, DOWNGRADE",
        GOOD + ", OK, SECURE",
        SILENT + ", UNREACHABLE, UNKNOWN",
        CLOSED + ", UNREACHABLE, UNKNOWN",
        OUTSIDE + ", MX_NOT_IN_POLICY, DOWNGRADE",
    })
    void eachKindOfMxIsClassified(String mx, MxResultType expected, DomainStatus status) {
        String domain = "only-" + mx.replace('.', '-') + ".test";
        world.dns.mx(domain, 10, mx);

        DomainReport report = prober.probe(domain, POLICY);

        assertEquals(1, report.mxs().size(), report::toString);
        MxReport result = report.mxs().get(0);
        assertEquals(expected, result.result(), result::summary);
        assertEquals(status, report.status(), report::reason);
        assertEquals(expected != MxResultType.MX_NOT_IN_POLICY, result.matchesPolicy());
    }

    @Test
    void aGoodMxShowsItsTlsVersionAndCertificateAndIsLeftWithQuit() {
        world.dns.mx("good.test", 10, GOOD);

        MxReport mx = prober.probe("good.test", POLICY).mxs().get(0);

        assertEquals(MxResultType.OK, mx.result(), mx::summary);
        assertEquals(Boolean.TRUE, mx.starttlsOffered());
        assertTrue(mx.tlsVersion().equals("TLSv1.3") || mx.tlsVersion().equals("TLSv1.2"), mx.tlsVersion());
        assertNotNull(mx.certificate());
        assertEquals("CN=" + GOOD, mx.certificate().subject());
        assertEquals("CN=Probe Test CA", mx.certificate().issuer());
        List<String> said = world.good.commands();
        assertEquals("EHLO probe.client.test", said.get(0), said::toString);
        assertEquals(List.of("EHLO probe.client.test", "STARTTLS", "QUIT"), said.subList(said.size() - 3, said.size()),
                said::toString);
    }

    @Test
    void aPlainMxIsLeftWithQuitToo() {
        world.dns.mx("plain-quit.test", 10, PLAIN);

        MxReport mx = prober.probe("plain-quit.test", POLICY).mxs().get(0);

        assertEquals(Boolean.FALSE, mx.starttlsOffered());
        assertNull(mx.certificate());
        assertTrue(world.plain.commands().contains("QUIT"), world.plain.commands()::toString);
        assertFalse(world.plain.commands().contains("STARTTLS"));
    }

    @Test
    void oneGoodMxAmongBrokenOnesMakesTheDomainSecure() {
        world.dns.mx("mixed.test", 10, PLAIN).mx("mixed.test", 20, GOOD).mx("mixed.test", 30, EXPIRED);

        DomainReport report = prober.probe("mixed.test", POLICY);

        assertEquals(DomainStatus.SECURE, report.status(), report::reason);
        assertEquals(List.of(PLAIN, GOOD, EXPIRED), report.mxs().stream().map(mx -> mx.mx().name()).toList());
    }

    @Test
    void unreachableMxesDoNotHideTheFailureOfTheReachableOnes() {
        world.dns.mx("half-down.test", 5, SILENT).mx("half-down.test", 10, CLOSED).mx("half-down.test", 20, PLAIN);

        DomainReport report = prober.probe("half-down.test", POLICY);

        assertEquals(DomainStatus.DOWNGRADE, report.status(), report::reason);
        assertTrue(report.reason().contains(PLAIN + " starttls-not-supported"), report.reason());
        assertFalse(report.reason().contains(SILENT), report.reason());
    }

    @Test
    void mxesOutsideThePolicyAreNotProbedAndDoNotSaveADomainWithoutAMatchingOne() {
        world.dns.mx("forged.test", 10, OUTSIDE).mx("forged.test", 20, "mx.attacker.test");
        int before = world.good.connections();

        DomainReport report = prober.probe("forged.test", POLICY);

        assertEquals(DomainStatus.DOWNGRADE, report.status());
        assertTrue(report.reason().startsWith("no MX of forged.test matches the policy"), report.reason());
        assertEquals(before, world.good.connections(), "an MX outside the policy is never contacted");
    }

    @Test
    void aDnsFailureIsNoEvidence() {
        world.dns.fault("servfail.test", TestDnsServer.Fault.SERVFAIL);

        DomainReport report = prober.probe("servfail.test", POLICY);

        assertEquals(DomainStatus.UNKNOWN, report.status(), report::reason);
        assertTrue(report.mxs().isEmpty());
    }

    @Test
    void aDomainWithoutMxRecordsIsItsOwnMx() {
        world.dns.a("nomx.mx.test", world.plain.address().getHostAddress()); // the name exists, without MX

        DomainReport report = prober.probe("nomx.mx.test", POLICY);

        assertEquals(List.of(new MxHost("nomx.mx.test", 0)), report.mxs().stream().map(MxReport::mx).toList());
        assertEquals(MxResultType.STARTTLS_NOT_SUPPORTED, report.mxs().get(0).result());
    }

    @Test
    void theSameMxHostIsJudgedPerDomainPolicy() {
        world.dns.mx("strict.test", 10, GOOD).mx("loose.test", 10, GOOD);
        TlsPolicy elsewhere = new TlsPolicy(PolicyMode.ENFORCE, List.of(MxPattern.of(".elsewhere.test")), null);

        assertEquals(DomainStatus.SECURE, prober.probe("loose.test", POLICY).status());
        assertEquals(DomainStatus.DOWNGRADE, prober.probe("strict.test", elsewhere).status());
    }
}
