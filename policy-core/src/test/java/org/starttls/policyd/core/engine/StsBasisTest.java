package org.starttls.policyd.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StsBasisTest {
    private static StsBasis basis(String id, String mx) {
        return new StsBasis("example.org", id, PolicyEngineStsTest.policy("enforce", mx));
    }

    @Test
    void aRenderingIsMadeOnceAndKept() {
        StsBasis basis = basis("one", "example.org");
        AtomicInteger made = new AtomicInteger();
        String first = basis.rendering(String.class, b -> "match=" + b.policy().mx() + made.incrementAndGet());
        assertSame(first, basis.rendering(String.class, b -> "match=" + b.policy().mx() + made.incrementAndGet()));
        assertEquals(1, made.get());
    }

    @Test
    void anotherKindOfRenderingIsMadeForItself() {
        StsBasis basis = basis("one", "example.org");
        basis.rendering(String.class, b -> "text");
        assertEquals(Integer.valueOf(7), basis.rendering(Integer.class, b -> 7));
        assertEquals("again", basis.rendering(String.class, b -> "again"));
    }

    @Test
    void equalityIsThePartsAloneNotWhatWasRendered() {
        StsBasis rendered = basis("one", "example.org");
        rendered.rendering(String.class, b -> "text");
        assertEquals(basis("one", "example.org"), rendered);
        assertEquals(basis("one", "example.org").hashCode(), rendered.hashCode());
        assertNotEquals(basis("two", "example.org"), rendered);
        assertNotEquals(basis("one", "example.net"), rendered);
    }

    @Test
    void theReasonIsKeptForTheSameWayOfKnowingAndMadeAnewForAnother() {
        StsBasis basis = basis("one", "example.org");
        String cached = basis.reason("cached", " in enforce mode");
        assertEquals("MTA-STS policy of example.org (id one, cached) in enforce mode", cached);
        assertSame(cached, basis.reason("cached", " in enforce mode"));
        assertEquals("MTA-STS policy of example.org (id one, fetched now) in enforce mode",
                basis.reason("fetched now", " in enforce mode"));
        assertEquals("MTA-STS policy of example.org (id one, cached) in mode none: withdrawn",
                basis.reason("cached", " in mode none: withdrawn"));
    }

    @Test
    void aDoorsDecisionIsKeptForTheSameWayOfKnowingAndMadeAnewForAnother() {
        StsBasis basis = basis("one", "example.org");
        Decision cached = basis.decision(Verdict.REQUIRE_TLS, "cached", " in enforce mode");
        assertEquals(new Decision(Verdict.REQUIRE_TLS, "example.org", null,
                "MTA-STS policy of example.org (id one, cached) in enforce mode", DecisionSource.MTA_STS, basis), cached);
        assertSame(cached, basis.decision(Verdict.REQUIRE_TLS, "cached", " in enforce mode"));
        Decision fetched = basis.decision(Verdict.REQUIRE_TLS, "fetched now", " in enforce mode");
        assertEquals("MTA-STS policy of example.org (id one, fetched now) in enforce mode", fetched.reason());
        assertEquals(Verdict.NO_POLICY, basis.decision(Verdict.NO_POLICY, "fetched now", " in testing mode").verdict());
    }
}
