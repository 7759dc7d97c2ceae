package org.starttls.policyd.core.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExcerptTest {

    @Test
    void quotesAndEscapesWhatCouldBreakALogLine() {
        assertEquals("\"mx.example.com\"", Excerpt.of("mx.example.com"));
        assertEquals("\"a\\u000d\\u000ab\\u0000\\u00e9\\\"\\\\\"", Excerpt.of("a\r\nb\u0000é\"\\"));
        assertEquals("a\\u000ab \"c\"", Excerpt.sentence("a\nb \"c\""));
    }

    @Test
    void cutsLongTextAndSaysSo() {
        assertEquals("\"" + "x".repeat(Excerpt.MAX_CHARS) + "\"", Excerpt.of("x".repeat(Excerpt.MAX_CHARS)));
        assertEquals("\"" + "x".repeat(Excerpt.MAX_CHARS) + "...\"", Excerpt.of("x".repeat(Excerpt.MAX_CHARS + 1)));
        assertEquals("y".repeat(Excerpt.MAX_SENTENCE_CHARS) + "...",
                Excerpt.sentence("y".repeat(Excerpt.MAX_SENTENCE_CHARS + 1)));
    }
}
