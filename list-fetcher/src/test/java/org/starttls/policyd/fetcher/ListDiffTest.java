package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.list.PreloadList;

class ListDiffTest {
    private static final Instant T = Instant.parse("2019-06-01T00:00:00Z");

    @Test
    void namesAddedRemovedAndChangedDomainsInOrder() throws Exception {
        PreloadList before = ListJson.list(T, T.plusSeconds(86_400))
                .enforce("same.example", "mx.same.example")
                .enforce("gone.example", "mx.gone.example")
                .testing("mode.example", "mx.mode.example")
                .enforce("mx.example", "mx1.mx.example")
                .parsed();
        PreloadList after = ListJson.list(T, T.plusSeconds(86_400))
                .enforce("same.example", "mx.same.example")
                .enforce("mode.example", "mx.mode.example")
                .enforce("mx.example", "mx2.mx.example")
                .enforce("new2.example", "mx.new2.example")
                .enforce("new1.example", "mx.new1.example")
                .parsed();

        ListDiff diff = ListDiff.between(before, after);

        assertEquals(List.of("new1.example", "new2.example"), List.copyOf(diff.added()));
        assertEquals(List.of("gone.example"), List.copyOf(diff.removed()));
        assertEquals(List.of("mode.example", "mx.example"), List.copyOf(diff.changed()));
        assertEquals("2 added, 1 removed, 2 changed", diff.summary());
    }

    @Test
    void againstNothingEverythingIsAdded() throws Exception {
        PreloadList after = ListJson.list(T, T.plusSeconds(60)).enforce("a.example", "mx.a.example").parsed();

        ListDiff diff = ListDiff.between(null, after);

        assertEquals(List.of("a.example"), List.copyOf(diff.added()));
        assertTrue(diff.removed().isEmpty() && diff.changed().isEmpty());
    }

    @Test
    void identicalListsDifferInNothing() throws Exception {
        ListJson list = ListJson.list(T, T.plusSeconds(60)).enforce("a.example", "mx.a.example");

        assertTrue(ListDiff.between(list.parsed(), list.parsed()).isEmpty());
    }
}
