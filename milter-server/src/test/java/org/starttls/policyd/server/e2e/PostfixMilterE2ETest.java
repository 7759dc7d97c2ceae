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
import org.starttls.policyd.server.milter.MilterServer;
import org.starttls.policyd.server.milter.MilterSettings;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;

/**
 * The milter door through a real Postfix: {@code smtpd_milters} points at the door, started in this
 * JVM on an engine holding a list signed in the test ({@link SignedE2EList}). Postfix relays the
 * door's per-recipient 451 at RCPT, keeps the other recipients of the same message, and adds the
 * header the door asks for at end of message. A second smtpd listener points at a milter nobody
 * serves, to show what {@code milter_default_action = tempfail} does when policyd is down.
 */
@Tag("postfix")
class PostfixMilterE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static EventLoops loops;
    private static RunningServer milter;
    private static int milterDownPort;
    private static int nobodysMilterPort;

    @BeforeAll
    static void startPostfixAgainstTheMilterDoor() throws IOException {
        postfix = PostfixInstance.create("milter"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        loops = EventLoops.create(1, true);
        milter = MilterServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"),
                MilterServer.TRANSPORT_DEFAULTS, MilterSettings.DEFAULTS.withHeaderTagging(true),
                SignedE2EList.withDowngradeOn(SignedE2EList.engine(), DOWNGRADED));

        postfix.setMain("smtpd_milters", "inet:127.0.0.1:" + milter.port());
        postfix.setMain("milter_default_action", "tempfail");
        milterDownPort = PostfixInstance.unusedLoopbackPort();
        nobodysMilterPort = PostfixInstance.unusedLoopbackPort();
        postfix.addService("127.0.0.1:" + milterDownPort + " inet n - y - - smtpd"
                + " -o smtpd_milters=inet:127.0.0.1:" + nobodysMilterPort);
        postfix.addService("sink unix - - y - - smtp -o smtp_tcp_port=" + sink.port());
        postfix.setMain("default_transport", "sink");
        E2EDomains.ALL.forEach(postfix::resolveToLoopback);
        postfix.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(postfix, sink, milter, loops); // Postfix first, then the peers it talks to
    }

    @Test
    void theDowngradedRecipientIsDeferredAtRcptAndTheOtherOneIsDelivered() throws IOException, InterruptedException {
        String downgraded = recipientAt(DOWNGRADED);
        String unlisted = recipientAt(UNLISTED);
        try (SmtpTestClient smtp = SmtpTestClient.connect(postfix.smtpdPort(), WAIT)) {
            assertEquals(250, smtp.command("EHLO client.test").code());
            assertEquals(250, smtp.command("MAIL FROM:<" + SENDER + ">").code());

            SmtpReply refused = smtp.command("RCPT TO:<" + downgraded + ">");
            SmtpReply accepted = smtp.command("RCPT TO:<" + unlisted + ">");
            SmtpReply queued = smtp.data(message(unlisted, "two recipients"));
            smtp.command("QUIT");

            assertEquals(451, refused.code(), refused::toString);
            assertEquals("4.7.5 " + DOWNGRADED + ": " + SignedE2EList.DOWNGRADE_REASON, refused.text());
            assertEquals(250, accepted.code(), accepted::toString);
            assertTrue(queued.queueId().isPresent(), queued::toString);
        }
        ReceivedMessage received = sink.awaitMessageFor(unlisted, WAIT);
        assertEquals(List.of(unlisted), received.recipients(), "only the accepted recipient is delivered");
        assertEquals(List.of("two recipients"), received.headerValues("Subject"));
        assertEquals(List.of(), received.headerValues(TAG_HEADER), received::content);
    }

    @Test
    void aMessageToAnEnforcedDomainArrivesWithThePolicyHeader() throws IOException, InterruptedException {
        String recipient = recipientAt(ENFORCE);
        postfix.submit(SENDER, recipient, message(recipient, "tagged by the milter"));

        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        assertEquals(List.of(ENFORCE + "=enforce(match=" + SignedE2EList.MX_PREFIX + ENFORCE + ")"),
                received.headerValues(TAG_HEADER), received::content);
    }

    @Test
    void withTheMilterDownPostfixTempfailsInsteadOfAcceptingUnchecked() throws IOException {
        try (SmtpTestClient smtp = SmtpTestClient.connect(milterDownPort, WAIT)) {
            assertEquals(250, smtp.command("EHLO client.test").code());

            SmtpReply mail = smtp.command("MAIL FROM:<" + SENDER + ">");

            // Every message of this session is refused for now; the client retries later.
            assertEquals(451, mail.code(), mail::toString);
            assertTrue(mail.text().startsWith("4.7.1 "), mail::toString);
            SmtpReply rcpt = smtp.command("RCPT TO:<" + recipientAt(ENFORCE) + ">");
            assertEquals(503, rcpt.code(), "no transaction was started: " + rcpt);
            smtp.command("QUIT");
        }
        String log = postfix.log();
        assertTrue(log.contains("connect to Milter service inet:127.0.0.1:" + nobodysMilterPort), log);
    }
}
