package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.ENFORCE;
import static org.starttls.policyd.server.e2e.E2EDomains.POLICYD_DOWN;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.UNLISTED;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Delivery-time enforcement through a real Postfix: {@code smtp_tls_policy_maps} queries policyd's
 * socketmap door, and a receiver without STARTTLS gets mail for a listed domain deferred by
 * Postfix itself, while mail for an unlisted domain still goes out.
 */
@Tag("postfix")
class PostfixSocketmapE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Postfix's own words (smtp(8)) when a policy requires TLS and the peer does not offer it. */
    private static final String TLS_NOT_OFFERED = "TLS is required, but was not offered by host ";

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static PolicydUnderTest policyd;

    @BeforeAll
    static void startPostfixAgainstPolicyd() throws IOException {
        postfix = PostfixInstance.create("socketmap"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        policyd = PolicydUnderTest.start();
        postfix.setMain("smtp_tls_policy_maps", policyd.socketmapTable());
        // Every domain goes to the sink through a transport with a port but no next hop: the next
        // hop, and so the policy lookup key, stays the recipient domain. (transport_maps with
        // smtp:[127.0.0.1]:PORT would make the key "[127.0.0.1]:PORT" instead.)
        postfix.addService("sink unix - - y - - smtp -o smtp_tcp_port=" + sink.port());
        postfix.setMain("default_transport", "sink");
        // The same sink, but asking a socketmap that is down (a separate transport, as a policy
        // table is per delivery agent); the next hop is still the recipient domain.
        postfix.addService("sink-policyd-down unix - - y - - smtp -o smtp_tcp_port=" + sink.port()
                + " -o smtp_tls_policy_maps=socketmap:inet:127.0.0.1:" + PostfixInstance.unusedLoopbackPort() + ":down");
        postfix.setMain("transport_maps", "inline:{" + POLICYD_DOWN + "=sink-policyd-down:}");
        E2EDomains.ALL.forEach(postfix::resolveToLoopback);
        postfix.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(postfix, sink, policyd); // Postfix first, then the peers it talks to
    }

    @Test
    void postmapReadsThePoliciesThroughTheSocketmap() {
        Optional<String> enforce = postfix.postmapQuery(policyd.socketmapTable(), ENFORCE);
        assertTrue(enforce.isPresent(), "no policy for " + ENFORCE);
        assertTrue(enforce.get().startsWith("secure "), enforce.get());
        assertTrue(enforce.get().contains(" match=") && enforce.get().contains(" servername=hostname"), enforce.get());

        assertEquals(Optional.empty(), postfix.postmapQuery(policyd.socketmapTable(), UNLISTED));
    }

    @Test
    void mailForAnEnforcedDomainStaysDeferredWhenTheReceiverOffersNoStarttls() throws IOException {
        String recipient = recipientAt(ENFORCE);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "enforced"));

        DeliveryAttempt first = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(first.isDeferred() && first.reason().startsWith(TLS_NOT_OFFERED + ENFORCE + "[127.0.0.1]"),
                () -> "expected a TLS deferral, got " + first + "\n" + postfix.log());
        QueuedMessage queued = postfix.awaitQueued(queueId, m -> m.queueName().equals("deferred"), WAIT);
        assertEquals(recipient, queued.recipients().get(0).address());
        assertTrue(queued.recipients().get(0).delayReason().startsWith(TLS_NOT_OFFERED), queued::toString);

        // A retry asks policyd again and is refused again: the message never leaves in the clear.
        postfix.flush();
        DeliveryAttempt retry = postfix.awaitDeliveryAttempt(queueId, recipient, 2, WAIT);
        assertTrue(retry.isDeferred() && retry.reason().contains(TLS_NOT_OFFERED), retry::toString);
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }

    @Test
    void mailForAnUnlistedDomainIsDeliveredWithoutTls() throws IOException, InterruptedException {
        String recipient = recipientAt(UNLISTED);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "unlisted"));

        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(attempt.isSent(), () -> "expected delivery, got " + attempt + "\n" + postfix.log());
        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        assertEquals(SENDER, received.mailFrom());
        assertEquals(List.of("unlisted"), received.headerValues("Subject"));
        assertTrue(received.content().contains("\n.a line that needs dot-stuffing\n"), received::content);
    }

    @Test
    void mailIsDeferredNotSentInTheClearWhenPolicydCannotBeReached() throws IOException {
        String recipient = recipientAt(POLICYD_DOWN);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "policyd down"));

        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(attempt.isDeferred() && attempt.reason().contains("client TLS configuration problem"),
                () -> "expected Postfix to fail closed, got " + attempt + "\n" + postfix.log());
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }
}
