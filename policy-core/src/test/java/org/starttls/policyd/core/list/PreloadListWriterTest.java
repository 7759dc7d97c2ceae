package org.starttls.policyd.core.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What {@code policyctl list build} writes reads back, entry for entry, with our own parser. */
class PreloadListWriterTest {
    private static final Instant TIMESTAMP = Instant.parse("2026-12-02T06:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-12-16T06:00:00Z");

    private static SortedMap<String, TlsPolicy> policies() {
        SortedMap<String, TlsPolicy> policies = new TreeMap<>();
        policies.put("zeta.example", new TlsPolicy(PolicyMode.TESTING, List.of(MxPattern.of("mx.zeta.example")), null));
        policies.put("alpha.example", new TlsPolicy(PolicyMode.ENFORCE,
                List.of(MxPattern.of(".mail.alpha.example"), MxPattern.of("mx1.alpha.example")), null));
        return policies;
    }

    @Test
    void theParserReadsBackEveryEntryAndBothDates() throws Exception {
        PreloadList list = PreloadListParser.parse(PreloadListWriter.write(TIMESTAMP, EXPIRES, "Example <a@example.org>",
                policies()));

        assertEquals(TIMESTAMP, list.timestamp());
        assertEquals(EXPIRES, list.expires());
        assertEquals("Example <a@example.org>", list.author());
        assertEquals(policies().get("alpha.example"), list.lookup("alpha.example"));
        assertEquals(policies().get("zeta.example"), list.lookup("zeta.example"));
        assertEquals(2, list.size());
    }

    @Test
    void domainsComeInNameOrderAndNoAuthorMeansNoField() throws Exception {
        String text = new String(PreloadListWriter.write(TIMESTAMP, EXPIRES, null, policies()), StandardCharsets.UTF_8);

        assertTrue(text.indexOf("alpha.example") < text.indexOf("zeta.example"), text);
        assertTrue(!text.contains("author"), text);
        assertTrue(text.endsWith("}\n"), text);
        assertNull(PreloadListParser.parse(text.getBytes(StandardCharsets.UTF_8)).author());
    }

    @Test
    void expiresMustBeAfterTimestamp() {
        assertThrows(IllegalArgumentException.class, () -> PreloadListWriter.write(TIMESTAMP, TIMESTAMP, null, policies()));
    }
}
