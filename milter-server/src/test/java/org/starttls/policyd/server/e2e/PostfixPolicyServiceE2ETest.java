package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.DOWNGRADED;
import static org.starttls.policyd.server.e2e.E2EDomains.ENFORCE;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.TAG_HEADER;
import static org.starttls.policyd.server.e2e.E2EDomains.UNLISTED;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Receipt-time decisions through a real Postfix: {@code check_policy_service} asks policyd's policy
 * delegation door at RCPT, and Postfix applies its action (a 4xx for a domain under a downgrade, a
 * prepended header for one that requires TLS, nothing for an unlisted one).
 */
@Tag("postfix")
class PostfixPolicyServiceE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static PolicydUnderTest policyd;

    @BeforeAll
    static void startPostfixAgainstPolicyd() throws IOException {
        postfix = PostfixInstance.create("policy"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        policyd = PolicydUnderTest.start();
        postfix.setMain("smtpd_recipient_restrictions", "check_policy_service inet:127.0.0.1:" + policyd.policyPort());
        postfix.addService("sink unix - - y - - smtp -o smtp_tcp_port=" + sink.port());
        postfix.setMain("default_transport", "sink");
        E2EDomains.ALL.forEach(postfix::resolveToLoopback);
        postfix.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(postfix, sink, policyd); // Postfix first, then the peers it talks to
    }

    @Test
    void aDomainUnderDowngradeIsDeferredAtRcpt() throws IOException {
        try (SmtpTestClient smtp = SmtpTestClient.connect(postfix.smtpdPort(), WAIT)) {
            assertEquals(250, smtp.command("EHLO client.test").code());
            assertEquals(250, smtp.command("MAIL FROM:<" + SENDER + ">").code());

            SmtpReply rcpt = smtp.command("RCPT TO:<" + recipientAt(DOWNGRADED) + ">");

            assertEquals(450, rcpt.code(), rcpt::toString);
            assertTrue(rcpt.text().startsWith("4.7.5 "), rcpt::toString);
            assertTrue(rcpt.text().contains(DOWNGRADED), rcpt::toString);
            // the same session still accepts a recipient the policy has nothing against
            assertEquals(250, smtp.command("RCPT TO:<" + recipientAt(UNLISTED) + ">").code());
            smtp.command("QUIT");
        }
    }

    @Test
    void aDomainThatRequiresTlsIsTaggedWithAPrependedHeader() throws IOException, InterruptedException {
        String recipient = recipientAt(ENFORCE);
        postfix.submit(SENDER, recipient, message(recipient, "tagged"));

        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        // The same grammar as the milter's header (one entry: one header per recipient).
        assertEquals(List.of(ENFORCE + "=enforce(match=." + ENFORCE + ")"),
                received.headerValues(TAG_HEADER), received::content);
    }

    @Test
    void anUnlistedDomainPassesUntouched() throws IOException, InterruptedException {
        String recipient = recipientAt(UNLISTED);
        postfix.submit(SENDER, recipient, message(recipient, "untouched"));

        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        assertEquals(List.of("untouched"), received.headerValues("Subject"));
        assertEquals(List.of(), received.headerValues(TAG_HEADER), received::content);
    }
}
