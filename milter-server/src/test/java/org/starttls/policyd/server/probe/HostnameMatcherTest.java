package org.starttls.policyd.server.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.server.testing.TestCertificates;

/** RFC 8461 section 4.1 name matching: SAN dNSNames only, wildcard only as the whole leftmost label. */
class HostnameMatcherTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        "mx.example.com, mx.example.com, true",
        "MX.Example.COM, mx.example.com., true",
        "mx.example.com, mx2.example.com, false",
        "*.example.com, mx.example.com, true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "mx*.example.com, mx1.example.com, false",
        "*mx.example.com, amx.example.com, false",
        "mx.*.example.com, mx.a.example.com, false",
        "*.com, example.com, false",
        "*, com, false",
        "'', mx.example.com, false",
    })
    void matchesAsRfc8461Says(String pattern, String host, boolean expected) {
        assertEquals(expected, HostnameMatcher.matches(pattern, host));
    }

    @Test
    void theCommonNameIsNotUsed() {
        Instant now = Instant.now();
        var cert = TestCertificates.selfSigned("mx.example.com", List.of("other.example.com"), now,
                now.plus(Duration.ofDays(1))).certificate();

        assertEquals(false, HostnameMatcher.matches(cert, "mx.example.com"));
        assertEquals(true, HostnameMatcher.matches(cert, "other.example.com"));
    }

    @Test
    void aCertificateWithoutSubjectAlternativeNamesNamesNothing() {
        Instant now = Instant.now();
        var cert = TestCertificates.selfSigned("mx.example.com", List.of(), now, now.plus(Duration.ofDays(1)))
                .certificate();

        assertEquals(List.of(), HostnameMatcher.dnsNames(cert));
        assertEquals(false, HostnameMatcher.matches(cert, "mx.example.com"));
    }
}
