package org.starttls.policyd.server.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTextTest {
    @Test
    void controlsBecomeSpacesAndNonAsciiBecomesQuestionMarks() {
        assertEquals("a  250 ok x 100% b?cher del ", PrintableText.of("a\r\n250 ok\0x 100% bücher del\u007f", 400));
        assertEquals("tab here", PrintableText.of("tab\there", 400));
    }

    @Test
    void cutsAtTheLimit() {
        assertEquals("abc", PrintableText.of("abcdef", 3));
        assertEquals("", PrintableText.of("abc", 0));
        assertEquals("ab?", PrintableText.of("abé-more", 3));
    }

    @Test
    void cleanTextWithinTheLimitIsReturnedAsIs() {
        String clean = "no policy for example.com";
        assertSame(clean, PrintableText.of(clean, 400));
    }

    @Test
    void abbreviatedMarksACut() {
        assertEquals("abc...", PrintableText.abbreviated("abcdef", 3));
        assertEquals("abc", PrintableText.abbreviated("abc", 3));
        assertEquals("a b", PrintableText.abbreviated("a\nb", 3));
    }

    @Test
    void recognisesPrintableText() {
        assertTrue(PrintableText.isPrintable("secure match=mx.example.com"));
        assertTrue(PrintableText.isPrintable(""));
        assertFalse(PrintableText.isPrintable("a\r\nBcc: x@y"));
        assertFalse(PrintableText.isPrintable("b\u00fccher"));
        assertFalse(PrintableText.isPrintable("del\u007f"));
    }
}
