package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.signature.SignatureInfo;

class ActiveListTest {
    private static final Instant T = Instant.parse("2026-03-01T00:00:00Z");

    private final List<VerifiedList> published = new ArrayList<>();
    private final ActiveList active = new ActiveList(null, published::add);

    /** Built directly: the rules only read the times and where the list came from. */
    private static VerifiedList list(Instant timestamp, Instant signedAt, boolean embedded) throws Exception {
        return new VerifiedList(ListJson.list(timestamp, timestamp.plus(Duration.ofDays(14)))
                .enforce("a.example", "mx.a.example").parsed(), new SignatureInfo("AB", "AB", null, signedAt),
                embedded ? "embedded" : "https://lists.example/policy.json", embedded);
    }

    @Test
    void theFirstListAndEveryNewerOneBecomeActive() throws Exception {
        VerifiedList first = list(T, T, false);
        VerifiedList newer = list(T.plusSeconds(60), T.plusSeconds(60), false);

        assertEquals(ActiveList.Outcome.ACTIVATED, active.offer(first));
        assertEquals(ActiveList.Outcome.ACTIVATED, active.offer(newer));

        assertSame(newer, active.get());
        assertEquals(List.of(first, newer), published);
    }

    @Test
    void anOlderListBySignatureTimeOrTimestampIsRefused() throws Exception {
        active.offer(list(T, T, false));

        assertEquals(ActiveList.Outcome.REFUSED, active.offer(list(T.minusSeconds(1), T.plusSeconds(5), false)));
        assertEquals(ActiveList.Outcome.REFUSED, active.offer(list(T.plusSeconds(5), T.minusSeconds(1), false)));

        assertEquals(T, active.get().list().timestamp());
        assertEquals(1, published.size());
    }

    @Test
    void theEmbeddedDefaultNeverReplacesAListFromASourceButAnyVerifiedListReplacesIt() throws Exception {
        VerifiedList embedded = list(T.minus(Duration.ofDays(2000)), T.minus(Duration.ofDays(2000)), true);
        assertEquals(ActiveList.Outcome.ACTIVATED, active.offer(embedded));
        // Older than nothing: a list from a source always beats the packaged one.
        VerifiedList fetched = list(T.minus(Duration.ofDays(3000)), T.minus(Duration.ofDays(3000)), false);
        assertEquals(ActiveList.Outcome.ACTIVATED, active.offer(fetched));

        assertEquals(ActiveList.Outcome.REFUSED, active.offer(embedded));
        assertSame(fetched, active.get());
    }

    @Test
    void theSameListAgainChangesNothing() throws Exception {
        active.offer(list(T, T, false));

        assertEquals(ActiveList.Outcome.SAME, active.offer(list(T, T, false)));
        assertEquals(1, published.size());
    }

    @Test
    void nothingIsActiveUntilAListIsOffered() {
        assertNull(active.get());
    }
}
