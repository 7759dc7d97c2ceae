package org.starttls.policyd.core.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MxPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "mx.example.com, mx.example.com, true",
        "mx.example.com, MX.Example.COM, true",
        "mx.example.com, mx.example.com., true",
        "ASPMX.L.GOOGLE.COM, aspmx.l.google.com, true",
        "mx.example.com, a.mx.example.com, false",
        "mx.example.com, example.com, false",
        // Wildcards match any depth below the domain, as Postfix's match=.example.com does.
        ".example.com, mx.example.com, true",
        ".example.com, a.b.mx.example.com, true",
        ".example.com, MX.EXAMPLE.COM, true",
        ".example.com, example.com, false",
        ".example.com, badexample.com, false",
        ".example.com, mx.example.com.evil, false",
    })
    void matching(String pattern, String host, boolean expected) {
        assertEquals(expected, MxPattern.of(pattern).matches(host));
    }

    @Test
    void normalisesCaseAndKeepsTheLeadingDot() {
        assertEquals(".mail.protection.outlook.com", MxPattern.of(".Mail.Protection.Outlook.COM").asString());
        assertTrue(MxPattern.of(".example.com").isWildcard());
        assertFalse(MxPattern.of("mx.example.com").isWildcard());
        assertEquals(".xn--bcher-kva.example", MxPattern.of(".bücher.example").asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..example.com", "mx..example.com", "*.example.com", "mx.example.com.",
        "192.0.2.1:25", "[192.0.2.1]", "mx_1.example.com", "com"})
    void refusesWhatCannotBeAHostName(String text) {
        assertThrows(InvalidNameException.class, () -> MxPattern.of(text));
    }
}
