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
import java.util.Set;
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
 * The milter door through a real Sendmail 8.17: {@code INPUT_MAIL_FILTER} as
 * {@code deploy/sendmail/starttls-policyd.mc} has it ({@link SendmailSnippet}) points at the door,
 * started in this JVM on an engine holding a list signed in the test ({@link SignedE2EList}).
 * Sendmail relays the door's per-recipient 451 at RCPT, keeps the other recipients of the same
 * message, and adds the header the door asks for at end of message. A second listener's only
 * filter is one nobody serves, to show what the snippet's {@code F=T} does when policyd is down.
 */
@Tag("sendmail")
class SendmailMilterE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static SendmailInstance sendmail;
    private static PlainSmtpSink sink;
    private static EventLoops loops;
    private static RunningServer milter;
    private static int milterDownPort;

    @BeforeAll
    static void startSendmailAgainstTheMilterDoor() throws IOException {
        SendmailInstallation installation = SendmailAvailability.requireCompiledWith(
                SendmailAvailability.installationOrSkip(), Set.of("MILTER")); // skips (or fails, if required)
        sink = PlainSmtpSink.start();
        loops = EventLoops.create(1, true);
        milter = MilterServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"),
                MilterServer.TRANSPORT_DEFAULTS, MilterSettings.DEFAULTS.withHeaderTagging(true),
                SignedE2EList.withDowngradeOn(SignedE2EList.engine(), DOWNGRADED));

        sendmail = SendmailInstance.create("milter", installation);
        sendmail.inputMilter("starttls-policyd", SendmailSnippet.milterEquates(milter.port()));
        milterDownPort = sendmail.addListenerWithMilter("nobody",
                SendmailSnippet.milterEquates(PostfixInstance.unusedLoopbackPort()));
        sendmail.deliverToPort(sink.port());
        E2EDomains.ALL.forEach(sendmail::resolveToLoopback);
        sendmail.resolveToLoopback("client.test");
        sendmail.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(sendmail, sink, milter, loops); // Sendmail first, then the peers it talks to
    }

    @Test
    void theDowngradedRecipientIsDeferredAtRcptAndTheOtherOneIsDelivered() throws IOException, InterruptedException {
        String downgraded = recipientAt(DOWNGRADED);
        String unlisted = recipientAt(UNLISTED);
        try (SmtpTestClient smtp = SmtpTestClient.connect(sendmail.smtpdPort(), WAIT)) {
            assertEquals(250, smtp.command("EHLO client.test").code());
            assertEquals(250, smtp.command("MAIL FROM:<" + SENDER + ">").code());

            SmtpReply refused = smtp.command("RCPT TO:<" + downgraded + ">");
            SmtpReply accepted = smtp.command("RCPT TO:<" + unlisted + ">");
            SmtpReply queued = smtp.data(message(unlisted, "two recipients"));
            smtp.command("QUIT");

            assertEquals(451, refused.code(), refused::toString);
            assertEquals("4.7.5 " + DOWNGRADED + ": " + SignedE2EList.DOWNGRADE_REASON, refused.text());
            assertEquals(250, accepted.code(), accepted::toString);
            assertTrue(SendmailInstance.queueIdIn(queued).isPresent(), queued::toString);
        }
        ReceivedMessage received = sink.awaitMessageFor(unlisted, WAIT);
        assertEquals(List.of(unlisted), received.recipients(), "only the accepted recipient is delivered");
        assertEquals(List.of("two recipients"), received.headerValues("Subject"));
        assertEquals(List.of(), received.headerValues(TAG_HEADER), received::content);
    }

    @Test
    void aMessageToAnEnforcedDomainArrivesWithThePolicyHeader() throws IOException, InterruptedException {
        String recipient = recipientAt(ENFORCE);
        sendmail.submit(SENDER, recipient, message(recipient, "tagged by the milter"));

        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        assertEquals(List.of(ENFORCE + "=enforce(match=" + SignedE2EList.MX_PREFIX + ENFORCE + ")"),
                received.headerValues(TAG_HEADER), received::content);
    }

    @Test
    void withTheMilterDownSendmailTempfailsInsteadOfAcceptingUnchecked() throws IOException {
        try (SmtpTestClient smtp = SmtpTestClient.connect(milterDownPort, WAIT)) {
            assertEquals(250, smtp.command("EHLO client.test").code());

            SmtpReply mail = smtp.command("MAIL FROM:<" + SENDER + ">");

            // Every message of this session is refused for now; the client retries later.
            assertEquals("451 4.3.2 Please try again later", mail.toString());
            SmtpReply rcpt = smtp.command("RCPT TO:<" + recipientAt(ENFORCE) + ">");
            assertEquals(503, rcpt.code(), "no transaction was started: " + rcpt);
            smtp.command("QUIT");
        }
    }
}
