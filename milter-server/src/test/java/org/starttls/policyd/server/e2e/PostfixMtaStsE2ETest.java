package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.testworld.StsWorld;

/**
 * Live MTA-STS through a real Postfix. policyd resolves {@code _mta-sts.DOMAIN} through the local
 * world's DNS server ({@code dns.resolver}) and fetches the policy from its HTTPS host, verified
 * against the world's CA ({@code mta-sts.trust-store}); Postfix resolves the MX hosts through its
 * chroot's etc/hosts, and every one of them is the {@link PlainSmtpSink}, which offers no
 * STARTTLS. None of these domains is on the preload list, so MTA-STS alone decides:
 * <ul>
 *   <li>{@code enforce}: policyd answers {@code secure match=...}, and Postfix defers the mail with
 *       its own reason because the MX offers no STARTTLS;</li>
 *   <li>{@code testing}: no policy for Postfix, the mail goes out;</li>
 *   <li>no MTA-STS record at all: no policy, the mail goes out;</li>
 *   <li>{@code enforce}, but a local override {@code none} exempts the domain: the mail goes out,
 *       and its MTA-STS record is never asked for.</li>
 * </ul>
 */
@Tag("postfix")
class PostfixMtaStsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STS_ENFORCE = "sts-enforce.test";
    private static final String STS_TESTING = "sts-testing.test";
    /** Publishes no _mta-sts record (the world answers NXDOMAIN) and is not listed. */
    private static final String NO_STS = "no-sts.test";
    private static final String LISTED = "listed.test";
    /** Publishes MTA-STS enforce, like {@link #STS_ENFORCE}, but a local override says none. */
    private static final String OVERRIDDEN = "sts-overridden.test";
    /** Postfix's smtp(8) when the policy says "secure" and the server does not offer STARTTLS. */
    private static final String TLS_NOT_OFFERED = "TLS is required, but was not offered by host ";

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static StsWorld world;
    private static RealPolicyd policyd;

    @BeforeAll
    static void start() throws Exception {
        postfix = PostfixInstance.create("mta-sts"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        world = StsWorld.start();
        world.publish(STS_ENFORCE, "20260101", StsWorld.policy("enforce", 86400, STS_ENFORCE));
        world.publish(STS_TESTING, "20260101", StsWorld.policy("testing", 86400, STS_TESTING));
        world.publish(OVERRIDDEN, "20260101", StsWorld.policy("enforce", 86400, OVERRIDDEN));
        // A list is loaded (so the answers are not TEMP for want of one), but names none of the domains above.
        policyd = RealPolicyd.startWithMtaSts(world, Map.of(LISTED, "mx." + LISTED),
                OVERRIDDEN + ":\n  policy: none\n  reason: \"their MX cannot do TLS this week\"\n");
        postfix.setMain("smtp_tls_policy_maps", policyd.socketmapTable());
        postfix.addService("sink unix - - y - - smtp -o smtp_tcp_port=" + sink.port());
        postfix.setMain("default_transport", "sink");
        for (String domain : new String[] {STS_ENFORCE, STS_TESTING, NO_STS, OVERRIDDEN}) {
            postfix.resolveToLoopback(domain);
        }
        postfix.start();
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.inOrder(postfix, sink, policyd);
        if (world != null) {
            world.close();
        }
    }

    @Test
    void postmapShowsTheMtaStsAnswer() throws IOException {
        assertEquals(Optional.of("secure match=" + STS_ENFORCE + " servername=hostname"), awaitPolicy(STS_ENFORCE));
        assertEquals(Optional.empty(), awaitPolicy(STS_TESTING), "testing mode is report-only");
        assertEquals(Optional.empty(), awaitPolicy(NO_STS));

        JsonNode enforce = policyd.adminLookup(STS_ENFORCE, policyd.socketmapName());
        assertEquals("mta-sts", enforce.path("source").asText(), enforce::toString);
        assertEquals("enforce", enforce.path("mta_sts").path("policy_mode").asText(), enforce::toString);
        assertEquals("20260101", enforce.path("mta_sts").path("record_id").asText(), enforce::toString);
        assertEquals(false, enforce.path("listed").asBoolean(true), enforce::toString);
        JsonNode testing = policyd.adminLookup(STS_TESTING, policyd.socketmapName());
        assertEquals("mta-sts", testing.path("source").asText(), testing::toString);
        JsonNode none = policyd.adminLookup(NO_STS, policyd.socketmapName());
        assertEquals("none", none.path("source").asText(), none::toString);
        assertEquals("no-record", none.path("mta_sts").path("state").asText(), none::toString);
    }

    @Test
    void mailToAnMtaStsEnforceDomainIsDeferredByPostfixWhenItsMxOffersNoStarttls() throws IOException {
        awaitPolicy(STS_ENFORCE); // the first contact fetches; the attempt below then reads the cache
        String recipient = recipientAt(STS_ENFORCE);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "mta-sts enforced"));

        DeliveryAttempt first = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(first.isDeferred() && first.reason().startsWith(TLS_NOT_OFFERED + STS_ENFORCE + "[127.0.0.1]"),
                () -> "expected a TLS deferral, got " + first + "\n" + postfix.log());
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }

    @Test
    void mailToAnMtaStsTestingDomainStillGoesOut() throws IOException, InterruptedException {
        awaitPolicy(STS_TESTING);
        assertDelivered(STS_TESTING, "mta-sts testing");
    }

    @Test
    void mailToAnUnlistedDomainWithoutMtaStsGoesOut() throws IOException, InterruptedException {
        assertDelivered(NO_STS, "no mta-sts");
        // The answer came from an MTA-STS lookup that found no record, not from MTA-STS being off.
        assertTrue(world.recordQueries(NO_STS) > 0, "policyd never asked for _mta-sts." + NO_STS);
    }

    @Test
    void mailToAnMtaStsEnforceDomainWithALocalOverrideNoneGoesOut() throws IOException, InterruptedException {
        assertEquals(Optional.empty(), awaitPolicy(OVERRIDDEN), "the override answers NOTFOUND");
        assertDelivered(OVERRIDDEN, "overridden");
        assertEquals(0, world.recordQueries(OVERRIDDEN), "an overridden domain is never looked up");
        JsonNode lookup = policyd.adminLookup(OVERRIDDEN, policyd.socketmapName());
        assertEquals("override", lookup.path("source").asText(), lookup::toString);
        assertTrue(lookup.path("override_weaker").asBoolean(), lookup::toString);
    }

    private static void assertDelivered(String domain, String subject) throws IOException, InterruptedException {
        String recipient = recipientAt(domain);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, subject));
        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(attempt.isSent(), () -> "expected delivery, got " + attempt + "\n" + postfix.log());
        assertEquals(List.of(subject), sink.awaitMessageFor(recipient, WAIT).headerValues("Subject"));
    }

    /**
     * postmap until policyd's first contact is done: while the policy is still being fetched past
     * the map's wait policyd answers TEMP, which postmap reports as a lookup error. Bounded.
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
