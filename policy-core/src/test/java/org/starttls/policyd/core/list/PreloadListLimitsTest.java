package org.starttls.policyd.core.list;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The reader's own limits on strings, names, numbers and nesting: a list beyond one is a format
 * error that says which limit, never an exception of another kind (which became
 * {@code internal_error}).
 */
class PreloadListLimitsTest {
    private static String rejection(String json) {
        return assertThrows(ListFormatException.class, () -> PreloadListParser.parse(json.getBytes(UTF_8)))
                .getMessage();
    }

    private static String withAuthor(String author) {
        return "{\"version\":\"0.1\",\"timestamp\":\"2020-05-20T10:25:12-07:00\","
                + "\"expires\":\"2020-06-03T10:25:12-07:00\",\"author\":\"" + author + "\",\"policies\":{}}";
    }

    @Test
    void aStringLongerThanJacksonsOwnDefaultLimitIsAFormatError() {
        String message = rejection(withAuthor("x".repeat(21_000_000)));
        assertTrue(message.contains("longer than " + PreloadListParser.MAX_STRING_CHARS + " characters"), message);
    }

    @Test
    void aStringJustOverOurLimitIsRefusedAndOneAtItIsRead() throws Exception {
        String message = rejection(withAuthor("x".repeat(PreloadListParser.MAX_STRING_CHARS + 1)));
        assertTrue(message.contains("longer than " + PreloadListParser.MAX_STRING_CHARS + " characters"), message);
        assertTrue(message.contains("line 1"), message);
        String atLimit = "x".repeat(PreloadListParser.MAX_STRING_CHARS);
        assertEquals(atLimit, PreloadListParser.parse(withAuthor(atLimit).getBytes(UTF_8)).author());
    }

    @Test
    void aLongKeyIsRefused() {
        String json = "{\"" + "k".repeat(PreloadListParser.MAX_NAME_CHARS + 1) + "\":1}";
        String message = rejection(json);
        assertTrue(message.contains("key longer than " + PreloadListParser.MAX_NAME_CHARS), message);
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "[".repeat(PreloadListParser.MAX_NESTING_DEPTH + 1) + "]".repeat(PreloadListParser.MAX_NESTING_DEPTH + 1);
        String message = rejection("{\"version\":\"0.1\",\"pinsets\":" + deep + "}");
        assertTrue(message.contains("nested deeper than " + PreloadListParser.MAX_NESTING_DEPTH), message);
    }
}
