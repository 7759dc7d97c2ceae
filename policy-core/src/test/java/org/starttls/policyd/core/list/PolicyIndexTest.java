package org.starttls.policyd.core.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyIndexTest {

    @Test
    void everyEntrySurvivesGrowthAndAbsentNamesAreAbsent() {
        PolicyIndex index = new PolicyIndex();
        for (int i = 0; i < 50_000; i++) {
            String domain = "d" + i + ".example";
            if (i % 7 == 0) {
                assertTrue(index.putAlias(domain, i % 300));
            } else {
                assertTrue(index.putInline(domain, i % 2 == 0 ? PolicyMode.ENFORCE : PolicyMode.TESTING,
                        List.of(MxPattern.of("mx" + i + ".example"), MxPattern.of(".hosted.example"))));
            }
        }
        assertEquals(50_000, index.size());
        for (int i = 0; i < 50_000; i++) {
            byte[] entry = index.get("d" + i + ".example");
            assertNotNull(entry, "d" + i);
            assertEquals("d" + i + ".example", PolicyIndex.name(entry));
            if (i % 7 == 0) {
                assertEquals(PolicyIndex.ALIAS, PolicyIndex.tag(entry));
                assertEquals(i % 300, PolicyIndex.aliasId(entry));
            } else {
                assertEquals(i % 2 == 0 ? PolicyIndex.ENFORCE : PolicyIndex.TESTING, PolicyIndex.tag(entry));
                assertEquals(List.of(MxPattern.of("mx" + i + ".example"), MxPattern.of(".hosted.example")),
                        PolicyIndex.patterns(entry));
            }
            assertNull(index.get("e" + i + ".example"));
        }
        for (int i = 0; i < 50_000; i += 97) { // the bytes of a name, at an offset, find its slot too
            String name = "d" + i + ".example";
            byte[] bytes = ("pad " + name + " pad").getBytes(StandardCharsets.US_ASCII);
            assertEquals(index.slotOf(name), index.slotOf(bytes, 4, name.length()), name);
            assertEquals(-1, index.slotOf(bytes, 4, name.length() - 1), "a prefix of " + name);
            byte[] other = ("e" + i + ".example").getBytes(StandardCharsets.US_ASCII);
            assertEquals(-1, index.slotOf(other, 0, other.length));
        }
    }

    @Test
    void aNameIsStoredOnce() {
        PolicyIndex index = new PolicyIndex();
        assertTrue(index.putAlias("a.example", 1));
        assertFalse(index.putInline("a.example", PolicyMode.ENFORCE, List.of(MxPattern.of("mx.a.example"))));
        assertEquals(1, index.size());
    }

    @Test
    void nonAsciiOrOverlongQueriesNeverMatch() {
        PolicyIndex index = new PolicyIndex();
        index.putAlias("a.example", 0);
        // U+0161 truncated to a byte is 'a': the comparison must not be fooled by it.
        assertNull(index.get("\u0161.example"));
        assertNull(index.get("a".repeat(300)));
        byte[] truncated = {(byte) 0xE1, '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'};
        assertEquals(-1, index.slotOf(truncated, 0, truncated.length));
        byte[] overlong = "a".repeat(300).getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, index.slotOf(overlong, 0, overlong.length));
    }

    @Test
    void forEachVisitsEveryEntry() {
        PolicyIndex index = new PolicyIndex();
        Map<String, Byte> expected = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            index.putAlias("x" + i + ".example", 0);
            expected.put("x" + i + ".example", PolicyIndex.ALIAS);
        }
        Map<String, Byte> seen = new HashMap<>();
        index.forEach((name, entry) -> seen.put(name, PolicyIndex.tag(entry)));
        assertEquals(expected, seen);
    }
}
