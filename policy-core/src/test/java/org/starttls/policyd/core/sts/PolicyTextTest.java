package org.starttls.policyd.core.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a|a",
        "a\\n|a",
        "a\\r\\n|a",
        "a\\nb|a,b",
        "a\\r\\nb\\r\\n|a,b",
        "a\\r\\nb\\nc|a,b,c",
        "a\\n\\nb|a,,b",
        "\\n|''",
        "a\\rb\\n|a\\rb",
        "a\\r|a\\r",
        "a\\r\\r\\n|a\\r",
    })
    void splitsAtLfWithAnOptionalCr(String escapedBody, String escapedLines) throws Exception {
        PolicyText text = PolicyText.of(unescape(escapedBody).getBytes(StandardCharsets.UTF_8));
        List<String> expected = List.of(unescape(escapedLines).split(",", -1));
        assertEquals(expected, text.lines.stream().map(PolicyText.Line::text).toList());
        for (int i = 0; i < text.lines.size(); i++) {
            assertEquals(i + 1, text.lines.get(i).number());
        }
    }

    @Test
    void anEmptyBodyHasNoLines() throws Exception {
        assertEquals(List.of(), PolicyText.of(new byte[0]).lines);
    }

    @Test
    void removesOnlyALeadingByteOrderMark() throws Exception {
        PolicyText text = PolicyText.of("\uFEFFa\n\uFEFFb".getBytes(StandardCharsets.UTF_8));
        assertTrue(text.hadByteOrderMark);
        assertEquals(List.of("a", "\uFEFFb"), text.lines.stream().map(PolicyText.Line::text).toList());
        assertFalse(PolicyText.of("a".getBytes(StandardCharsets.UTF_8)).hadByteOrderMark);
    }

    @Test
    void refusesMalformedUtf8() {
        assertThrows(CharacterCodingException.class, () -> PolicyText.of(new byte[] {'a', (byte) 0xff}));
        assertThrows(CharacterCodingException.class, () -> PolicyText.of(new byte[] {(byte) 0xe2, (byte) 0x82}));
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
