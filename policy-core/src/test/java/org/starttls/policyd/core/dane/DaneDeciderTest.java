package org.starttls.policyd.core.dane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.core.dane.DnssecSecurity.BOGUS;
import static org.starttls.policyd.core.dane.DnssecSecurity.FAILED;
import static org.starttls.policyd.core.dane.DnssecSecurity.INSECURE;
import static org.starttls.policyd.core.dane.DnssecSecurity.SECURE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;

class DaneDeciderTest {

    private static final TlsaRecord USABLE = new TlsaRecord(3, 1, 1, new byte[32]);
    private static final TlsaRecord PKIX_USAGE = new TlsaRecord(1, 1, 1, new byte[32]);
    private static final TlsaRecord MALFORMED = new TlsaRecord(2, 0, 1, new byte[20]);

    /** The kinds of MX host the table is written in; each name says what DNS said about it. */
    enum Host {
        USABLE_TLSA(SECURE, SECURE, List.of(DaneDeciderTest.USABLE)),
        TWO_USABLE_TLSA(SECURE, SECURE, List.of(DaneDeciderTest.USABLE, new TlsaRecord(2, 0, 2, new byte[64]))),
        PKIX_TLSA(SECURE, SECURE, List.of(PKIX_USAGE)),
        MALFORMED_TLSA(SECURE, SECURE, List.of(MALFORMED)),
        MIXED_TLSA(SECURE, SECURE, List.of(DaneDeciderTest.USABLE, PKIX_USAGE)),
        NO_TLSA(SECURE, SECURE, List.of()),
        UNSIGNED_HOST(INSECURE, INSECURE, List.of()),
        INSECURE_ADDRESS_SECURE_TLSA(INSECURE, SECURE, List.of(DaneDeciderTest.USABLE)),
        INSECURE_TLSA(SECURE, INSECURE, List.of(DaneDeciderTest.USABLE)),
        ADDRESS_BOGUS(BOGUS, SECURE, List.of(DaneDeciderTest.USABLE)),
        ADDRESS_FAILED(FAILED, SECURE, List.of(DaneDeciderTest.USABLE)),
        TLSA_BOGUS(SECURE, BOGUS, List.of()),
        TLSA_FAILED(SECURE, FAILED, List.of());

        final DnssecSecurity address;
        final DnssecSecurity tlsaSecurity;
        final List<TlsaRecord> tlsa;

        Host(DnssecSecurity address, DnssecSecurity tlsaSecurity, List<TlsaRecord> tlsa) {
            this.address = address;
            this.tlsaSecurity = tlsaSecurity;
            this.tlsa = tlsa;
        }

        MxHostEvidence named(String name) {
            return new MxHostEvidence(name, address, tlsaSecurity, tlsa);
        }
    }

    @ParameterizedTest(name = "MX {0}, hosts [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        // Every MX validated with usable TLSA: dane-only.
        "SECURE   | USABLE_TLSA                               | DANE_ONLY",
        "SECURE   | USABLE_TLSA TWO_USABLE_TLSA               | DANE_ONLY",
        // Some MX with TLSA: dane.
        "SECURE   | USABLE_TLSA NO_TLSA                       | DANE",
        "SECURE   | NO_TLSA USABLE_TLSA                       | DANE",
        "SECURE   | USABLE_TLSA UNSIGNED_HOST                 | DANE",
        // TLSA present but not all usable: dane.
        "SECURE   | PKIX_TLSA                                 | DANE",
        "SECURE   | MALFORMED_TLSA                            | DANE",
        "SECURE   | MIXED_TLSA                                | DANE",
        "SECURE   | USABLE_TLSA MIXED_TLSA                    | DANE",
        "SECURE   | USABLE_TLSA PKIX_TLSA                     | DANE",
        // No TLSA anywhere: no DANE (TLSA of a host whose addresses are insecure does not count,
        // nor TLSA that is itself insecure).
        "SECURE   | NO_TLSA                                   | NO_DANE",
        "SECURE   | NO_TLSA NO_TLSA                           | NO_DANE",
        "SECURE   | UNSIGNED_HOST                             | NO_DANE",
        "SECURE   | NO_TLSA UNSIGNED_HOST                     | NO_DANE",
        "SECURE   | INSECURE_ADDRESS_SECURE_TLSA              | NO_DANE",
        "SECURE   | INSECURE_TLSA                             | NO_DANE",
        // One MX failing its A/AAAA/TLSA lookup while the others are secure: dane, not TEMP.
        "SECURE   | USABLE_TLSA ADDRESS_BOGUS                 | DANE",
        "SECURE   | USABLE_TLSA ADDRESS_FAILED                | DANE",
        "SECURE   | USABLE_TLSA TLSA_BOGUS                    | DANE",
        "SECURE   | TLSA_FAILED USABLE_TLSA                   | DANE",
        "SECURE   | NO_TLSA TLSA_FAILED                       | DANE",
        "SECURE   | TLSA_BOGUS                                | DANE",
        "SECURE   | ADDRESS_FAILED                            | DANE",
        // A signed MX host with TLSA behind an insecure MX RRset: dane, never dane-only.
        "INSECURE | USABLE_TLSA                               | DANE",
        "INSECURE | USABLE_TLSA TWO_USABLE_TLSA               | DANE",
        "INSECURE | UNSIGNED_HOST USABLE_TLSA                 | DANE",
        "INSECURE | PKIX_TLSA                                 | DANE",
        "INSECURE | NO_TLSA                                   | NO_DANE",
        "INSECURE | UNSIGNED_HOST                             | NO_DANE",
        "INSECURE | UNSIGNED_HOST UNSIGNED_HOST               | NO_DANE",
        "INSECURE | INSECURE_ADDRESS_SECURE_TLSA              | NO_DANE",
        "INSECURE | INSECURE_TLSA                             | NO_DANE",
        "INSECURE | UNSIGNED_HOST TLSA_FAILED                 | NO_DANE",
        "INSECURE | UNSIGNED_HOST ADDRESS_BOGUS               | NO_DANE",
        "INSECURE | USABLE_TLSA TLSA_FAILED                   | DANE",
    })
    void decidesPerTheTable(DnssecSecurity mx, String hostKinds, Kind expected) {
        DaneVerdict verdict = DaneDecider.decide(evidence(true, mx, hosts(hostKinds)));
        assertEquals(expected, verdict.kind(), verdict.reason());
    }

    @ParameterizedTest
    @EnumSource(value = DnssecSecurity.class, names = {"BOGUS", "FAILED"})
    void aBogusOrFailedMxRrsetIsTemp(DnssecSecurity mx) {
        DaneVerdict verdict = DaneDecider.decide(evidence(true, mx, List.of()));
        assertEquals(Kind.TEMP, verdict.kind());
        assertTrue(verdict.reason().contains("example.test"), verdict.reason());
    }

    @ParameterizedTest
    @EnumSource(value = DnssecSecurity.class, names = {"SECURE", "INSECURE"})
    void aNullMxOrNoHostIsNoDane(DnssecSecurity mx) {
        assertEquals(Kind.NO_DANE,
                DaneDecider.decide(new DaneEvidence("example.test", true, mx, true, List.of())).kind());
        assertEquals(Kind.NO_DANE, DaneDecider.decide(evidence(true, mx, List.of())).kind());
    }

    /** Every MX security with every pair of hosts, against the rules the issue states. */
    @Test
    void everyPairOfHostsKeepsTheStatedRules() {
        for (DnssecSecurity mx : List.of(SECURE, INSECURE)) {
            for (Host first : Host.values()) {
                for (Host second : Host.values()) {
                    List<MxHostEvidence> hosts = List.of(first.named("mx1.example.test"), second.named("mx2.example.test"));
                    Kind kind = DaneDecider.decide(evidence(true, mx, hosts)).kind();
                    String row = mx + " " + first + " " + second + " -> " + kind;

                    boolean allUsable = hosts.stream().allMatch(MxHostEvidence::hasOnlyUsableTlsa);
                    boolean anyTlsa = hosts.stream().anyMatch(MxHostEvidence::hasSecureTlsa);
                    boolean anyFailed = hosts.stream().anyMatch(MxHostEvidence::lookupFailed);
                    assertEquals(mx == SECURE && allUsable, kind == Kind.DANE_ONLY, row);
                    if (anyTlsa && kind != Kind.DANE_ONLY) {
                        assertEquals(Kind.DANE, kind, row);
                    }
                    if (mx == SECURE && anyFailed) {
                        assertEquals(Kind.DANE, kind, row);
                    }
                    if (!anyTlsa && !(mx == SECURE && anyFailed)) {
                        assertEquals(Kind.NO_DANE, kind, row);
                    }
                    assertTrue(kind != Kind.TEMP, row); // host failures never fail the domain
                    // The order of the MX hosts never matters.
                    assertEquals(kind, DaneDecider.decide(evidence(true, mx, List.of(hosts.get(1), hosts.get(0)))).kind(), row);
                    // A resolver that does not validate never gives DANE (and never dane-only).
                    assertEquals(Kind.NO_DANE, DaneDecider.decide(evidence(false, mx, hosts)).kind(), row);
                }
            }
        }
    }

    @Test
    void aResolverThatDoesNotValidateGivesNoDaneEvenForAFailedMxLookup() {
        DaneVerdict verdict = DaneDecider.decide(evidence(false, FAILED, List.of()));
        assertEquals(Kind.NO_DANE, verdict.kind());
        assertTrue(verdict.reason().contains("does not validate"), verdict.reason());
    }

    @Test
    void theReasonNamesTheHostsThatFailed() {
        DaneVerdict verdict = DaneDecider.decide(evidence(true, SECURE, List.of(
                Host.USABLE_TLSA.named("mx1.example.test"), Host.TLSA_FAILED.named("mx2.example.test"))));
        assertTrue(verdict.reason().contains("lookup failed for mx2.example.test"), verdict.reason());
        assertTrue(verdict.reason().contains("validated TLSA at mx1.example.test"), verdict.reason());
    }

    @Test
    void inconsistentEvidenceIsRefused() {
        MxHostEvidence host = Host.USABLE_TLSA.named("mx.example.test");
        assertThrows(IllegalArgumentException.class,
                () -> new DaneEvidence("example.test", true, SECURE, true, List.of(host)));
        assertThrows(IllegalArgumentException.class,
                () -> new DaneEvidence("example.test", true, BOGUS, false, List.of(host)));
        assertThrows(IllegalArgumentException.class,
                () -> new MxHostEvidence("mx.example.test", SECURE, FAILED, List.of(USABLE)));
    }

    private static DaneEvidence evidence(boolean validates, DnssecSecurity mx, List<MxHostEvidence> hosts) {
        return new DaneEvidence("example.test", validates, mx, false, hosts);
    }

    private static List<MxHostEvidence> hosts(String kinds) {
        List<MxHostEvidence> hosts = new ArrayList<>();
        for (String kind : Arrays.asList(kinds.trim().split("\\s+"))) {
            hosts.add(Host.valueOf(kind).named("mx" + (hosts.size() + 1) + ".example.test"));
        }
        return hosts;
    }
}
