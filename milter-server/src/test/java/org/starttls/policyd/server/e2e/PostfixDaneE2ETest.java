package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;
import org.starttls.policyd.server.testing.TestCertificates;

/**
 * DANE through a real Postfix, in the DNSSEC world. Postfix looks up the MX hosts, their addresses
 * and TLSA records itself ({@code smtp_dns_support_level = dnssec}), through the world's
 * validating unbound: its chrooted smtp(8) reads a resolv.conf naming port 53 of a loopback alias
 * where that unbound also answers, and the one MX, a {@link PlainSmtpSink} with STARTTLS, listens on
 * port 25 of the same alias, as a real MX would. policyd, asked through {@code smtp_tls_policy_maps}
 * with the same resolver as {@code dns.resolver}, answers both signed domains {@code dane-only};
 * Postfix then verifies the MX certificate against the TLSA record:
 * <ul>
 *   <li>{@value #MATCHING}: the TLSA record is the sink's key, so the mail goes out over verified TLS;</li>
 *   <li>{@value #MISMATCHED}: the TLSA record is another key, so Postfix defers the mail.</li>
 * </ul>
 * Neither domain is on the preload list: without policyd's answer Postfix would use its
 * {@code smtp_tls_security_level = may} and deliver both.
 */
@Tag("postfix")
class PostfixDaneE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MATCHING = "dane-match.test";
    private static final String MISMATCHED = "dane-mismatch.test";
    /** Postfix's smtp(8) when no TLSA record matches the server's certificate. */
    private static final String NOT_VERIFIED = "Server certificate not verified";

    private static PostfixInstance postfix;
    private static TlsMx mx;
    private static DnssecWorld world;
    private static RealPolicyd policyd;

    @BeforeAll
    static void start() throws Exception {
        postfix = PostfixInstance.create("dane"); // skips (or fails, if required) without Postfix
        Instant now = Instant.now();
        TestCertificates.Issued served = TestCertificates.selfSigned("mx." + MATCHING,
                List.of("mx." + MATCHING, "mx." + MISMATCHED), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        TestCertificates.Issued elsewhere = TestCertificates.selfSigned("mx.elsewhere.test",
                List.of("mx.elsewhere.test"), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        mx = TlsMx.startOnPort25(served.serverContext());
        String address = mx.address().getHostAddress();
        world = DnssecWorld.builder()
                .zone(TestZone.signed(MATCHING).mx(10, "mx." + MATCHING).a("mx." + MATCHING, address)
                        .smtpTlsa("mx." + MATCHING, 3, 1, 1, TlsMx.spkiSha256(served.certificate())))
                .zone(TestZone.signed(MISMATCHED).mx(10, "mx." + MISMATCHED).a("mx." + MISMATCHED, address)
                        .smtpTlsa("mx." + MISMATCHED, 3, 1, 1, TlsMx.spkiSha256(elsewhere.certificate())))
                .withValidatingResolverOnPort53(mx.address())
                .start();
        // A list is loaded (so no answer is TEMP for want of one), but names neither domain.
        policyd = RealPolicyd.startWithDane(world, Map.of("listed.test", "mx.listed.test"));
        postfix.setMain("smtp_tls_policy_maps", policyd.socketmapTable());
        postfix.setMain("smtp_tls_security_level", "may");
        postfix.setMain("smtp_dns_support_level", "dnssec");
        postfix.setMain("smtp_host_lookup", "dns");
        postfix.setMain("smtp_tls_loglevel", "1");
        // A number, so the chrooted smtp(8) needs no /etc/services for "smtp"; and TLSA is at _25._tcp.
        postfix.setMain("smtp_tcp_port", "25");
        postfix.useNameServer(world.validatingResolverOnPort53().getAddress());
        postfix.start();
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.inOrder(postfix, mx, policyd, world);
    }

    @Test
    void postmapShowsDaneOnlyForBothSignedDomains() throws IOException {
        assertEquals(Optional.of("dane-only"), awaitPolicy(MATCHING));
        assertEquals(Optional.of("dane-only"), awaitPolicy(MISMATCHED));

        JsonNode report = policyd.adminLookup(MATCHING, policyd.socketmapName());
        assertEquals("dane", report.path("source").asText(), report::toString);
    }

    @Test
    void mailToADomainWhoseMxMatchesItsTlsaGoesOutOverVerifiedTls() throws IOException, InterruptedException {
        awaitPolicy(MATCHING); // the first contact looks DANE up; the attempt below reads the cache
        String recipient = recipientAt(MATCHING);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "dane verified"));

        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(attempt.isSent(), () -> "expected delivery, got " + attempt + "\n" + postfix.log());
        ReceivedMessage received = mx.sink().awaitMessageFor(recipient, WAIT);
        assertEquals(List.of("dane verified"), received.headerValues("Subject"));
        assertTrue(received.overTls(), "delivered in the clear");
        String verified = "Verified TLS connection established to mx." + MATCHING + "[" + mx.address().getHostAddress()
                + "]:25";
        assertTrue(postfix.log().contains(verified), () -> "no \"" + verified + "\" in\n" + postfix.log());
    }

    @Test
    void mailToADomainWhoseMxDoesNotMatchItsTlsaIsDeferred() throws IOException {
        awaitPolicy(MISMATCHED);
        String recipient = recipientAt(MISMATCHED);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "dane mismatch"));

        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(attempt.isDeferred() && attempt.reason().contains(NOT_VERIFIED),
                () -> "expected a DANE deferral, got " + attempt + "\n" + postfix.log());
        assertTrue(mx.sink().messages().stream().noneMatch(m -> m.isFor(recipient)),
                () -> "leaked: " + mx.sink().messages());
    }

    /**
     * postmap until policyd's first contact is done: while the DANE lookups still run past the
     * map's wait policyd answers TEMP, which postmap reports as a lookup error. Bounded.
     */
    private static Optional<String> awaitPolicy(String domain) {
        return Polling.until(WAIT, () -> {
            try {
                return Optional.of(postfix.postmapQuery(policyd.socketmapTable(), domain));
            } catch (IllegalStateException temp) {
                return Optional.empty();
            }
        }, () -> "postmap -q " + domain + " kept failing");
    }
}
