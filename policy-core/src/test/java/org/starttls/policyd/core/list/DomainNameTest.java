package org.starttls.policyd.core.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DomainNameTest {

    @ParameterizedTest
    @CsvSource({
        "gmail.com, gmail.com",
        "GMAIL.com., gmail.com",
        "' Example.ORG ', example.org",
        "bücher.example, xn--bcher-kva.example",
        "BÜCHER.example., xn--bcher-kva.example",
        "xn--bcher-kva.example, xn--bcher-kva.example",
        "a-b.c9.example, a-b.c9.example",
    })
    void normalisesToOneKey(String input, String expected) {
        assertEquals(expected, DomainName.of(input).asString());
    }

    @ParameterizedTest
    @CsvSource({
        "gmail.com\u3002, gmail.com",
        "gmail.com\uFF0E, gmail.com",
        "gmail.com\uFF61, gmail.com",
        "gmail\u3002com, gmail.com",
        "GMAIL\uFF0Ecom\u3002, gmail.com",
        "bücher\u3002example\u3002, xn--bcher-kva.example",
    })
    void idnaDotSeparatorsAreDotsTrailingOrNot(String input, String expected) {
        assertEquals(expected, DomainName.of(input).asString());
        assertEquals(expected, DomainName.normalize(input));
    }

    @Test
    void sameNameInAnyFormIsEqual() {
        assertEquals(DomainName.of("GMAIL.com."), DomainName.of("gmail.com"));
        assertNotEquals(DomainName.of("eff.org"), DomainName.of("lists.eff.org"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'' | empty",
        ". | empty",
        "localhost | single label",
        "foo..com | empty label",
        "-foo.com | starts or ends with '-'",
        "foo-.com | starts or ends with '-'",
        "foo_bar.com | contains '_'",
        "[192.0.2.1] | contains '['",
        "foo.com:25 | contains ':'",
        "a b.com | contains ' '",
    })
    void refusesNamesThatBreakLabelRules(String input, String expectedPart) {
        InvalidNameException e = assertThrows(InvalidNameException.class, () -> DomainName.of(input));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    @Test
    void refusesOverlongLabelsAndNames() {
        String label63 = "a".repeat(63);
        assertEquals(label63 + ".example", DomainName.of(label63 + ".example").asString());
        assertThrows(InvalidNameException.class, () -> DomainName.of("a" + label63 + ".example"));

        String name253 = (label63 + ".").repeat(3) + "b".repeat(61);
        assertEquals(253, name253.length());
        assertEquals(name253, DomainName.of(name253).asString());
        assertThrows(InvalidNameException.class, () -> DomainName.of(name253 + "b"));
    }

    @ParameterizedTest
    @CsvSource({"gmail.com, true, gmail.com", "a-b.c0.example, true, a-b.c0.example", "com, true, refused",
        "xn--bcher-kva.example, true, xn--bcher-kva.example", "a..b, true, refused", "-a.example, true, refused",
        "GMail.com, false, gmail.com", "gmail.com., false, gmail.com", ".gmail.com, false, refused",
        "gmail.com:25, false, refused", "gmail_com, false, refused", "'a b', false, refused"})
    void bytesInNormalFormAreWhatNormalizeLeavesAsItIsOrRefuses(String text, boolean normal, String normalized) {
        byte[] bytes = ("[" + text + "]").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(normal, DomainName.isNormalAscii(bytes, 1, text.length()), text);
        String actual;
        try {
            actual = DomainName.normalize(text);
        } catch (InvalidNameException e) {
            actual = "refused"; // never in a list: its bytes are never found there either
        }
        assertEquals(normalized, actual, text);
        if (normal) {
            assertTrue(actual.equals(text) || actual.equals("refused"), "normal form is left as it is, or refused");
        }
        assertEquals(false, DomainName.isNormalAscii(bytes, 1, 0), "nothing is no name");
    }
}
