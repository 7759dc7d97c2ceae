package org.starttls.policyd.fetcher.dane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.core.dane.DaneDecider;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.starttls.policyd.core.dane.MxHostEvidence;
import org.starttls.policyd.core.dane.TlsaRecord;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;

/** Each kind of zone in a real DNSSEC world gives the evidence and verdict issue 13 says. */
class DaneEvidenceCollectorTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    private static final String TA_CERT = "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6";
    private static final String PKIX_EE = "4f3b0b4e2a5d48a6b1a2e0c5a7f1e6f2c3b4a5d6e7f8091a2b3c4d5e6f708192";
    private static final String SHORT = "0011223344556677889900112233445566778899";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static DnssecWorld world;
    private static DnsClient validating;
    private static ValidationStatus validated;

    @BeforeAll
    static void startWorld() {
        world = DnssecWorld.builder()
                .zone(TestZone.signed("all.test")
                        .mx(10, "mx1.all.test").mx(20, "mx2.all.test")
                        .a("mx1.all.test", "127.0.0.1").aaaa("mx1.all.test", "::1").a("mx2.all.test", "127.0.0.1")
                        .smtpTlsa("mx1.all.test", 3, 1, 1, EE_KEY)
                        .smtpTlsa("mx2.all.test", 3, 1, 1, EE_KEY).smtpTlsa("mx2.all.test", 2, 0, 1, TA_CERT))
                .zone(TestZone.signed("partial.test")
                        .mx(10, "mx1.partial.test").mx(20, "mx2.partial.test")
                        .a("mx1.partial.test", "127.0.0.1").a("mx2.partial.test", "127.0.0.1")
                        .smtpTlsa("mx1.partial.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("unusable.test").mx(10, "mx.unusable.test").a("mx.unusable.test", "127.0.0.1")
                        .smtpTlsa("mx.unusable.test", 1, 1, 1, PKIX_EE))
                .zone(TestZone.signed("malformed.test").mx(10, "mx.malformed.test").a("mx.malformed.test", "127.0.0.1")
                        .smtpTlsa("mx.malformed.test", 3, 1, 1, SHORT))
                .zone(TestZone.signed("notlsa.test").mx(10, "mx.notlsa.test").a("mx.notlsa.test", "127.0.0.1"))
                .zone(TestZone.unsigned("unsigned.test").mx(10, "mx.unsigned.test").a("mx.unsigned.test", "127.0.0.1")
                        .smtpTlsa("mx.unsigned.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.unsigned("insecuremx.test").mx(10, "mx1.all.test").mx(20, "mx.unsigned.test"))
                .zone(TestZone.signed("bogusmx.test").mx(10, "mx.bogusmx.test").a("mx.bogusmx.test", "127.0.0.1")
                        .smtpTlsa("mx.bogusmx.test", 3, 1, 1, EE_KEY).breakSignature("bogusmx.test", "MX"))
                .zone(TestZone.withExpiredSignatures("expired.test").mx(10, "mx.expired.test")
                        .a("mx.expired.test", "127.0.0.1").smtpTlsa("mx.expired.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("bogustlsa.test")
                        .mx(10, "mx1.bogustlsa.test").mx(20, "mx2.bogustlsa.test")
                        .a("mx1.bogustlsa.test", "127.0.0.1").a("mx2.bogustlsa.test", "127.0.0.1")
                        .smtpTlsa("mx1.bogustlsa.test", 3, 1, 1, EE_KEY).smtpTlsa("mx2.bogustlsa.test", 3, 1, 1, EE_KEY)
                        .breakSignature("_25._tcp.mx1.bogustlsa.test", "TLSA"))
                .zone(TestZone.signed("bogusaddress.test")
                        .mx(10, "mx1.bogusaddress.test").mx(20, "mx2.bogusaddress.test")
                        .a("mx1.bogusaddress.test", "127.0.0.1").a("mx2.bogusaddress.test", "127.0.0.1")
                        .smtpTlsa("mx1.bogusaddress.test", 3, 1, 1, EE_KEY)
                        .smtpTlsa("mx2.bogusaddress.test", 3, 1, 1, EE_KEY)
                        .breakSignature("mx2.bogusaddress.test", "A"))
                .zone(TestZone.signed("nullmx.test").nullMx())
                .zone(TestZone.signed("nomx.test").a("nomx.test", "127.0.0.1").smtpTlsa("nomx.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("alias.test").cname("mail.alias.test", "all.test"))
                .zone(TestZone.signed("cnamehost.test").mx(10, "mx.cnamehost.test").mx(20, "mx2.cnamehost.test")
                        .cname("mx.cnamehost.test", "real.cnamehost.test").a("real.cnamehost.test", "127.0.0.1")
                        .smtpTlsa("real.cnamehost.test", 3, 1, 1, EE_KEY)
                        .cname("mx2.cnamehost.test", "real2.cnamehost.test").a("real2.cnamehost.test", "127.0.0.1")
                        .smtpTlsa("mx2.cnamehost.test", 2, 0, 1, TA_CERT))
                .withNonValidatingResolver()
                .start();
        validating = new DnsClient(new DnsSettings(world.validatingResolver(), TIMEOUT));
        validated = new ValidationCheck(validating).run().join();
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @ParameterizedTest(name = "{0}: MX {1} -> {2}")
    @CsvSource({
        "all.test,          SECURE,   DANE_ONLY",
        "partial.test,      SECURE,   DANE",
        "unusable.test,     SECURE,   DANE",
        "malformed.test,    SECURE,   DANE",
        "notlsa.test,       SECURE,   NO_DANE",
        "unsigned.test,     INSECURE, NO_DANE",
        "insecuremx.test,   INSECURE, DANE",
        "bogusmx.test,      BOGUS,    TEMP",
        "expired.test,      BOGUS,    TEMP",
        "bogustlsa.test,    SECURE,   DANE",
        "bogusaddress.test, SECURE,   DANE",
        "nullmx.test,       SECURE,   NO_DANE",
        "nomx.test,         SECURE,   DANE_ONLY",
        "mail.alias.test,   SECURE,   DANE_ONLY",
        "nowhere.all.test,  SECURE,   NO_DANE",
        "cnamehost.test,    SECURE,   DANE_ONLY",
    })
    void eachZoneKindGivesTheVerdictTheIssueSays(String domain, DnssecSecurity mx, Kind expected) {
        DaneEvidence evidence = collect(validating, domain);
        DaneVerdict verdict = DaneDecider.decide(evidence);
        assertEquals(mx, evidence.mxSecurity(), evidence.toString());
        assertEquals(expected, verdict.kind(), verdict.reason() + " / " + evidence);
    }

    @Test
    void theValidatingResolverPassesTheCheckOnTheRoot() {
        assertTrue(validated.validates(), validated.detail());
        assertTrue(validated.detail().contains("DNSKEY of . came back with AD"), validated.detail());
    }

    @Test
    void everyMxHostOfAFullyProtectedDomainCarriesItsRecords() {
        DaneEvidence evidence = collect(validating, "all.test");
        assertTrue(evidence.resolverValidates());
        assertEquals(List.of(
                new MxHostEvidence("mx1.all.test", DnssecSecurity.SECURE, DnssecSecurity.SECURE,
                        List.of(TlsaRecord.ofHex(3, 1, 1, EE_KEY))),
                new MxHostEvidence("mx2.all.test", DnssecSecurity.SECURE, DnssecSecurity.SECURE,
                        List.of(TlsaRecord.ofHex(3, 1, 1, EE_KEY), TlsaRecord.ofHex(2, 0, 1, TA_CERT)))),
                sortedTlsa(evidence.hosts()));
    }

    @Test
    void aSignedZoneWithoutTlsaProvesTheirAbsence() {
        MxHostEvidence host = collect(validating, "notlsa.test").hosts().get(0);
        assertEquals(new MxHostEvidence("mx.notlsa.test", DnssecSecurity.SECURE, DnssecSecurity.SECURE, List.of()), host);
    }

    @Test
    void tlsaInAnUnsignedZoneIsNotUsed() {
        assertEquals(List.of(new MxHostEvidence("mx.unsigned.test", DnssecSecurity.INSECURE, DnssecSecurity.INSECURE,
                List.of())), collect(validating, "unsigned.test").hosts());
    }

    @Test
    void aSignedHostBehindAnUnsignedMxRrsetKeepsItsTlsa() {
        DaneEvidence evidence = collect(validating, "insecuremx.test");
        assertEquals(List.of("mx1.all.test", "mx.unsigned.test"),
                evidence.hosts().stream().map(MxHostEvidence::host).toList());
        assertTrue(evidence.hosts().get(0).hasOnlyUsableTlsa());
        assertFalse(evidence.hosts().get(1).hasSecureTlsa());
    }

    @Test
    void aBrokenTlsaSignatureFailsOnlyThatHost() {
        List<MxHostEvidence> hosts = collect(validating, "bogustlsa.test").hosts();
        assertEquals(DnssecSecurity.BOGUS, hosts.get(0).tlsaSecurity());
        assertTrue(hosts.get(0).tlsa().isEmpty());
        assertTrue(hosts.get(1).hasOnlyUsableTlsa());
    }

    @Test
    void aBrokenAddressSignatureFailsOnlyThatHost() {
        List<MxHostEvidence> hosts = collect(validating, "bogusaddress.test").hosts();
        assertTrue(hosts.get(0).hasOnlyUsableTlsa());
        assertEquals(DnssecSecurity.BOGUS, hosts.get(1).addressSecurity());
    }

    @Test
    void behindAValidatedCnameTheExpandedNamesTlsaComesFirstThenTheMxHostsOwn() {
        assertEquals(List.of(
                new MxHostEvidence("mx.cnamehost.test", DnssecSecurity.SECURE, DnssecSecurity.SECURE,
                        List.of(TlsaRecord.ofHex(3, 1, 1, EE_KEY))),
                new MxHostEvidence("mx2.cnamehost.test", DnssecSecurity.SECURE, DnssecSecurity.SECURE,
                        List.of(TlsaRecord.ofHex(2, 0, 1, TA_CERT)))),
                collect(validating, "cnamehost.test").hosts());
    }

    @Test
    void theNullMxLooksNoFurther() {
        DaneEvidence evidence = collect(validating, "nullmx.test");
        assertTrue(evidence.nullMx());
        assertTrue(evidence.hosts().isEmpty());
    }

    @Test
    void withoutMxTheDomainItselfIsTheHost() {
        assertEquals(List.of("nomx.test"), collect(validating, "nomx.test").hosts().stream().map(MxHostEvidence::host).toList());
    }

    @Test
    void theNonValidatingResolverFailsTheCheckAndNeverGivesDane() {
        DnsClient plain = new DnsClient(new DnsSettings(world.nonValidatingResolver(), TIMEOUT));
        ValidationStatus status = new ValidationCheck(plain).run().join();
        assertFalse(status.validates(), status.detail());
        assertTrue(status.detail().contains("does not validate"), status.detail());
        for (String domain : List.of("all.test", "bogusmx.test", "expired.test")) {
            DaneEvidence evidence = collect(plain, domain, status);
            assertEquals(DnssecSecurity.INSECURE, evidence.mxSecurity(), domain);
            assertEquals(Kind.NO_DANE, DaneDecider.decide(evidence).kind(), domain);
            // Even told the resolver validates, its answers carry no AD: nothing is secure.
            DaneEvidence misled = collect(plain, domain, validated);
            assertEquals(Kind.NO_DANE, DaneDecider.decide(misled).kind(), domain);
        }
    }

    @ParameterizedTest
    @CsvSource({"unsigned.test, is missing", "expired.test, could not ask", "notlsa.test, came back with AD",
        "nowhere.test, is missing"})
    void theCheckZoneCanBeAnySignedZone(String zone, String expected) {
        ValidationStatus status = new ValidationCheck(validating, zone).run().join();
        assertTrue(status.detail().contains(expected), status.detail());
        assertEquals(expected.equals("came back with AD"), status.validates(), status.detail());
    }

    private static DaneEvidence collect(DnsClient lookups, String domain) {
        return collect(lookups, domain, validated);
    }

    private static DaneEvidence collect(DnsClient lookups, String domain, ValidationStatus status) {
        return new DaneEvidenceCollector(lookups).collect(domain, status).join();
    }

    /** The order of records in an RRset is the server's choice; compare them in a fixed order. */
    private static List<MxHostEvidence> sortedTlsa(List<MxHostEvidence> hosts) {
        return hosts.stream().map(h -> new MxHostEvidence(h.host(), h.addressSecurity(), h.tlsaSecurity(),
                h.tlsa().stream().sorted(java.util.Comparator.comparingInt(TlsaRecord::usage).reversed()).toList()))
                .toList();
    }
}
