package org.starttls.policyd.core.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.core.list.InvalidNameException;

class StsMxPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        // RFC 8461 section 4.1: a wildcard stands for exactly one left-most label.
        "*.example.com, mx1.example.com, true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "*.example.com, MX1.EXAMPLE.COM, true",
        "*.example.com, mx1.example.com., true",
        "*.EXAMPLE.com, mx1.example.COM, true",
        "*.example.com, mx1.badexample.com, false",
        "*.example.com, mx1.example.com.evil, false",
        "*.example.com, .example.com, false",
        "*.example.com, *.example.com, false",
        "*.mail.example.com, mx.mail.example.com, true",
        "*.mail.example.com, mail.example.com, false",
        // A plain pattern matches only itself.
        "mail.example.com, mail.example.com, true",
        "mail.example.com, MAIL.Example.com., true",
        "mail.example.com, a.mail.example.com, false",
        "mail.example.com, example.com, false",
        "mail.example.com, mail.example.co, false",
        "mail.example.com, '', false",
        "mail.example.com, 192.0.2.1, false",
        // IDN: A-labels and U-labels meet.
        "*.bücher.example, mx.xn--bcher-kva.example, true",
        "*.xn--bcher-kva.example, mx.bücher.example, true",
        "mx.bücher.example, MX.XN--BCHER-KVA.EXAMPLE, true",
    })
    void matchesByTheRfcRule(String pattern, String host, boolean expected) {
        assertEquals(expected, StsMxPattern.of(pattern).matches(host));
    }

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @CsvSource({
        "*.example.net, *.example.net, .example.net",
        "*.EXAMPLE.NET, *.example.net, .example.net",
        "*.example.net., *.example.net, .example.net",
        "mail.example.com, mail.example.com, mail.example.com",
        "MAIL.Example.COM, mail.example.com, mail.example.com",
        "mail.example.com., mail.example.com, mail.example.com",
        "'  mail.example.com\t', mail.example.com, mail.example.com",
        "bücher.example, xn--bcher-kva.example, xn--bcher-kva.example",
        "*.bücher.example, *.xn--bcher-kva.example, .xn--bcher-kva.example",
        "MX.BÜCHER.example, mx.xn--bcher-kva.example, mx.xn--bcher-kva.example",
        "xn--bcher-kva.example, xn--bcher-kva.example, xn--bcher-kva.example",
        // IDNA's other full stops separate labels too.
        "mx\u3002example\uFF0Ecom, mx.example.com, mx.example.com",
        "*\u3002example.com, *.example.com, .example.com",
        "mx1.example123.com, mx1.example123.com, mx1.example123.com",
        "123.example.com, 123.example.com, 123.example.com",
    })
    void normalisesAndRendersBothForms(String text, String stsForm, String postfixMatch) {
        StsMxPattern pattern = StsMxPattern.of(text);
        assertEquals(stsForm, pattern.toStsForm());
        assertEquals(stsForm, pattern.toString());
        assertEquals(postfixMatch, pattern.toPostfixMatch());
        assertEquals(stsForm.startsWith("*."), pattern.isWildcard());
    }

    @Test
    void thePostfixFormIsWiderThanTheRfcRuleByDesign() {
        // What policyd sends accepts a.b.example.com, which the STS pattern itself does not;
        // the class comment says why. This pins both halves so neither changes unnoticed.
        StsMxPattern pattern = StsMxPattern.of("*.example.com");
        assertFalse(pattern.matches("a.b.example.com"));
        assertEquals(".example.com", pattern.toPostfixMatch());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "*", "*.", "*..", "**.example.com", "*.*.example.com", "*example.com",
        "mail.*.example.com", "*.example.*", ".example.com", "..example.com", "mail..example.com",
        "-mx.example.com", "mx-.example.com", "mx_1.example.com", "mail example.com", "mail.example.com:25",
        "mail.example.com..", "localhost", "*.com", "com.", "mx.example.123", "*.0.2.1", "http://mx.example.com",
        "192.0.2.1", "[192.0.2.1]", "192.0.2.1.", "*.192.0.2.1", "2001:db8::1", "[2001:db8::1]",
        "[IPv6:2001:db8::1]", "IPv6:2001:db8::1", "::1", "::ffff:192.0.2.1", "mail\u0000.example.com",
        "bücher\u00a0.example"})
    void refusesWhatCannotBeAnMxPattern(String text) {
        assertThrows(InvalidNameException.class, () -> StsMxPattern.of(text));
    }

    @Test
    void refusesTooLongNamesAndLabels() {
        assertThrows(InvalidNameException.class, () -> StsMxPattern.of("a".repeat(64) + ".example.com"));
        assertEquals("a".repeat(63) + ".example.com", StsMxPattern.of("a".repeat(63) + ".example.com").toStsForm());
        String name253 = ("a".repeat(61) + ".").repeat(4) + "a.com"; // 248 + 5 = 253 characters
        assertEquals(253, name253.length());
        assertEquals(name253, StsMxPattern.of(name253).toPostfixMatch());
        assertThrows(InvalidNameException.class, () -> StsMxPattern.of("a" + name253));
        assertThrows(InvalidNameException.class, () -> StsMxPattern.of(null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[192.0.2.1]|is an IP address",
        "2001:db8::1|is an IP address",
        "[IPv6:2001:db8::1]|is an IP address",
        "192.0.2.1|ends in an all-numeric label",
        "*.*.example.com|is not a host name after \"*.\"",
        "*example.com|is not a host name: \"*example.com\" contains '*'",
    })
    void theRefusalSaysWhatTheValueIs(String text, String expected) {
        String message = assertThrows(InvalidNameException.class, () -> StsMxPattern.of(text)).getMessage();
        assertTrue(message.contains(expected), message);
    }

    @Test
    void theRefusalCannotForgeALogLine() {
        String message = assertThrows(InvalidNameException.class,
                () -> StsMxPattern.of("mx.example.com\r\nFAKE " + "x".repeat(1000))).getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertTrue(message.length() < 400, message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail.example.com", "*.example.net", "*.bücher.example", "MX.EXAMPLE.COM.",
        "*\u3002example.com", "a.b"})
    void aMatchEntryIsNeverEmptyNorBreaksTheList(String text) {
        String match = StsMxPattern.of(text).toPostfixMatch();
        assertFalse(match.isEmpty());
        assertTrue(match.matches("\\.?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"), match);
        assertFalse(match.contains("..") || match.endsWith("."), match);
    }

    @Test
    void equalPatternsAreOneValue() {
        assertEquals(StsMxPattern.of("*.Example.com"), StsMxPattern.of("*.example.com."));
        assertEquals(StsMxPattern.of("*.Example.com").hashCode(), StsMxPattern.of("*.example.com.").hashCode());
        assertNotEquals(StsMxPattern.of("*.example.com"), StsMxPattern.of("example.com"));
        assertEquals(StsMxPattern.of("bücher.example"), StsMxPattern.of("xn--bcher-kva.example"));
    }
}
