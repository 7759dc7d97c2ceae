package org.starttls.policyd.fetcher.dane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;

/** The DANE cache against a real DNSSEC world, which the outage tests stop half way. */
class DaneResolverTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private static DnssecWorld world() {
        return DnssecWorld.builder()
                .zone(TestZone.signed("all.test").mx(10, "mx.all.test").a("mx.all.test", "127.0.0.1")
                        .smtpTlsa("mx.all.test", 3, 1, 1, EE_KEY))
                .zone(TestZone.signed("bogusmx.test").mx(10, "mx.bogusmx.test").a("mx.bogusmx.test", "127.0.0.1")
                        .breakSignature("bogusmx.test", "MX"))
                .start();
    }

    private DaneResolver resolver(DnssecWorld world) {
        DnsClient lookups = new DnsClient(new DnsSettings(world.validatingResolver(), Duration.ofSeconds(2)));
        DaneResolver resolver = new DaneResolver(new DaneEvidenceCollector(lookups), new ValidationCheck(lookups), clock);
        assertTrue(resolver.recheck().join().validates());
        return resolver;
    }

    @Test
    void aCachedAnswerOutlivesAResolverOutageUntilItsTtl() {
        DaneResolver resolver;
        try (DnssecWorld world = world()) {
            resolver = resolver(world);
            assertEquals(Kind.DANE_ONLY, resolver.resolve("all.test").join().verdict().kind());
        }
        // The world is gone: the resolver does not answer any more.
        clock.advance(DaneResolver.MIN_TTL.minusSeconds(1));
        CompletableFuture<DaneResolver.DaneAnswer> during = resolver.resolve("all.test");
        assertTrue(during.isDone(), "a cached answer is answered at once");
        assertEquals(Kind.DANE_ONLY, during.join().verdict().kind());

        clock.advance(DaneResolver.MAX_TTL);
        assertEquals(Kind.TEMP, resolver.resolve("all.test").join().verdict().kind(),
                "past its TTL, with the resolver down, the answer is TEMP, never no DANE");
    }

    @Test
    void aFailureIsNotCachedAndConcurrentRequestsShareOneLookup() {
        try (DnssecWorld world = world()) {
            DaneResolver resolver = resolver(world);
            CompletableFuture<DaneResolver.DaneAnswer> first = resolver.resolve("bogusmx.test");
            CompletableFuture<DaneResolver.DaneAnswer> second = resolver.resolve("bogusmx.test");
            if (!first.isDone()) {
                assertSame(first, second, "one flight per domain");
            }
            assertEquals(Kind.TEMP, first.join().verdict().kind());
            assertEquals(0, resolver.size(), "a TEMP is not cached");
            assertEquals(Kind.DANE_ONLY, resolver.resolve("all.test").join().verdict().kind());
            assertEquals(1, resolver.size());
        }
    }

    @Test
    void ttlsAreClamped() {
        assertEquals(DaneResolver.MIN_TTL, DaneResolver.clamp(0));
        assertEquals(Duration.ofSeconds(3600), DaneResolver.clamp(3600));
        assertEquals(DaneResolver.MAX_TTL, DaneResolver.clamp(Long.MAX_VALUE));
    }
}
