package org.starttls.policyd.fetcher.dane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;

/**
 * {@link DaneResolver#appliesNow}, which the socketmap door asks before it asks DANE, and the one
 * "no DANE" answer a resolver that does not validate gives every domain (no text built per request).
 */
class DaneResolverApplicabilityTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private static DnssecWorld world() {
        return DnssecWorld.builder()
                .zone(TestZone.signed("all.test").mx(10, "mx.all.test").a("mx.all.test", "127.0.0.1")
                        .smtpTlsa("mx.all.test", 3, 1, 1, EE_KEY))
                .withNonValidatingResolver()
                .start();
    }

    private DaneResolver resolver(InetSocketAddress at) {
        DnsClient lookups = new DnsClient(new DnsSettings(at, TIMEOUT));
        return new DaneResolver(new DaneEvidenceCollector(lookups), new ValidationCheck(lookups), clock);
    }

    @Test
    void aResolverThatAnswersWithoutValidatingMakesDaneNotApplyAndEveryDomainSharesOneAnswer() {
        try (DnssecWorld world = world()) {
            DaneResolver resolver = resolver(world.nonValidatingResolver());
            assertTrue(resolver.appliesNow(), "not checked yet: DANE may apply (the check runs before the first lookup)");
            assertFalse(resolver.recheck().join().validates());

            assertFalse(resolver.appliesNow());
            assertNull(resolver.freshVerdict("all.test"));
            DaneResolver.DaneAnswer first = resolver.resolve("all.test").join();
            assertEquals(Kind.NO_DANE, first.verdict().kind());
            assertTrue(first.verdict().reason().startsWith("DANE does not apply: "), first.verdict().reason());
            clock.advance(Duration.ofMinutes(5));
            assertSame(first, resolver.resolve("other.test").join(), "one answer per validation check, not per request");

            assertFalse(resolver.recheck().join().validates());
            DaneVerdict afterRecheck = resolver.resolve("all.test").join().verdict();
            assertNotSame(first.verdict(), afterRecheck, "a new check's status gives its own answer");
            assertEquals(first.verdict(), afterRecheck);
        }
    }

    @Test
    void aValidatingResolverMakesDaneApply() {
        try (DnssecWorld world = world()) {
            DaneResolver resolver = resolver(world.validatingResolver());
            assertTrue(resolver.recheck().join().validates());

            assertTrue(resolver.appliesNow());
            assertNull(resolver.freshVerdict("all.test"), "nothing cached yet");
            DaneVerdict looked = resolver.resolve("all.test").join().verdict();
            assertEquals(Kind.DANE_ONLY, looked.kind());

            assertSame(looked, resolver.freshVerdict("all.test"), "cached and fresh: known without a future");
            clock.advance(DaneResolver.MAX_TTL);
            assertNull(resolver.freshVerdict("all.test"), "due for a refresh (or expired): resolve decides");
        }
    }

    @Test
    void aResolverThatDoesNotAnswerStillMakesDaneApply() throws Exception {
        InetSocketAddress silent;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            silent = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), free.getLocalPort());
        }
        DaneResolver resolver = resolver(silent);
        assertTrue(resolver.recheck().join().unanswered());

        assertTrue(resolver.appliesNow(), "the domain may be a DANE domain: the door must ask (TEMP), never skip DANE");
        assertEquals(Kind.TEMP, resolver.resolve("all.test").join().verdict().kind());
    }
}
