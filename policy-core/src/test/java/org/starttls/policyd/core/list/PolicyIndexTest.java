package org.starttls.policyd.core.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
