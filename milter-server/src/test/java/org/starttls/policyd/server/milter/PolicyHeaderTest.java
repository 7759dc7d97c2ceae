package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

class PolicyHeaderTest {
    @Test
    void listsDomainModeAndMatchPatterns() {
        TlsPolicy testing = new TlsPolicy(PolicyMode.TESTING, List.of(MxPattern.of("mx.example.org")), null);
        String value = PolicyHeader.value(List.of(
                Decision.requireTls("example.com", TestDecider.ENFORCE, "listed"),
                Decision.requireTls("example.org", testing, "testing enforced by setting")));
        assertEquals("example.com=enforce(match=.mx.example.com); example.org=testing(match=mx.example.org)", value);
    }

    @Test
    void staysBoundedAndCountsWhatDidNotFit() {
        List<Decision> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(Decision.requireTls("domain" + i + ".example", TestDecider.ENFORCE, "listed"));
        }
        String value = PolicyHeader.value(many);
        assertTrue(value.length() <= PolicyHeader.MAX_VALUE_CHARS, "length " + value.length());
        assertTrue(value.startsWith("domain0.example=enforce(match=.mx.example.com); domain1.example="), value);
        int shown = value.split("; ").length - 1;
        assertTrue(value.endsWith("; +" + (200 - shown) + " more"), value);
        // And the header line built from it is accepted by the reply's own check.
        MilterReply.addHeader(MilterSettings.DEFAULT_HEADER_NAME, value);
        MilterReply.addHeader("X" + "-".repeat(MilterSettings.MAX_HEADER_NAME_CHARS - 1), value);
    }

    @Test
    void aSingleEntryThatFitsExactlyIsNotCounted() {
        String value = PolicyHeader.value(List.of(Decision.requireTls("example.com", TestDecider.ENFORCE, "x")));
        assertEquals("example.com=enforce(match=.mx.example.com)", value);
    }

    @Test
    void needsAtLeastOneDecision() {
        assertThrows(IllegalArgumentException.class, () -> PolicyHeader.value(List.of()));
    }
}
