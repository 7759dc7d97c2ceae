package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.testing.TestCertificates;

/**
 * The other half of {@link SendmailStsE2ETest}: a receiver that does offer STARTTLS, with a
 * certificate for its name issued by a CA Sendmail trusts. With policyd's default answer
 * ({@code secure match=tls.test servername=hostname}) Sendmail delivers over TLS; with
 * {@code socketmap.servername: false} the same message is deferred, which is why
 * {@code deploy/sendmail/} says to keep {@code servername: true}.
 */
@Tag("sendmail")
class SendmailStsTlsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Listed with itself as its only MX pattern; Sendmail connects to it by this name. */
    private static final String TLS_DOMAIN = "tls.test";
    /** Sendmail's words for an STS answer it cannot use for the TLS session (here: no servername). */
    private static final String STARTTLS_NOT_POSSIBLE = "Deferred: 403 4.7.0 STARTTLS temporarily not possible.";

    private static Path certificates;
    private static PlainSmtpSink tlsSink;
    private static RealPolicyd policyd;
    private static RealPolicyd policydWithoutServername;
    private static SendmailInstance sendmail;
    private static SendmailInstance sendmailWithoutServername;

    @BeforeAll
    static void startSendmailAgainstAReceiverWithTls() throws IOException {
        SendmailInstallation installation = SendmailAvailability.requireCompiledWith(
                SendmailAvailability.installationOrSkip(), Set.of("_FFR_MTA_STS", "SOCKETMAP", "STARTTLS"));
        Instant now = Instant.now();
        TestCertificates.Issued ca = TestCertificates.ca("policyd e2e CA", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        TestCertificates.Issued receiver = TestCertificates.issue(ca, TLS_DOMAIN, List.of(TLS_DOMAIN),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        certificates = Files.createTempDirectory("policyd-sendmail-ca-");
        Path caPem = ca.writePem(certificates.resolve("ca.pem"));
        tlsSink = PlainSmtpSink.startWithStarttls(receiver.serverContext());
        policyd = RealPolicyd.start(Map.of(TLS_DOMAIN, TLS_DOMAIN), true);
        policydWithoutServername = RealPolicyd.start(Map.of(TLS_DOMAIN, TLS_DOMAIN), false);
        sendmail = SendmailInstance.create("sts-tls", installation);
        sendmail.stsMap(SendmailSnippet.stsMapDefinition(policyd.socketmapPort()));
        sendmailWithoutServername = SendmailInstance.create("sts-tls-no-servername", installation);
        sendmailWithoutServername.stsMap(
                SendmailSnippet.stsMapDefinition(policydWithoutServername.socketmapPort()));
        for (SendmailInstance instance : List.of(sendmail, sendmailWithoutServername)) {
            instance.deliverToPort(tlsSink.port());
            instance.trustCertificates(caPem);
            instance.resolveToLoopback(TLS_DOMAIN);
            instance.resolveToLoopback("client.test");
            instance.start();
        }
    }

    @AfterAll
    static void stopEverything() throws IOException {
        try {
            Closing.inOrder(sendmail, sendmailWithoutServername, tlsSink, policyd, policydWithoutServername);
        } finally {
            if (certificates != null) {
                SendmailInstance.deleteRecursively(certificates);
            }
        }
    }

    @Test
    void mailForAnEnforcedDomainIsDeliveredOverVerifiedTls() throws IOException, InterruptedException {
        assertEquals(Optional.of("secure match=" + TLS_DOMAIN + " servername=hostname"),
                sendmail.mapLookup("sts", TLS_DOMAIN));
        String recipient = recipientAt(TLS_DOMAIN);
        sendmail.submit(SENDER, recipient, message(recipient, "over tls"));

        ReceivedMessage received = tlsSink.awaitMessageFor(recipient, WAIT);
        assertTrue(received.overTls(), () -> "arrived in the clear: " + received);
        assertEquals(List.of("over tls"), received.headerValues("Subject"));
    }

    @Test
    void withoutServernameSendmailDefersEvenThoughTlsWouldVerify() throws IOException {
        assertEquals(Optional.of("secure match=" + TLS_DOMAIN), sendmailWithoutServername.mapLookup("sts", TLS_DOMAIN));
        String recipient = recipientAt(TLS_DOMAIN);
        String queueId = sendmailWithoutServername.submit(SENDER, recipient, message(recipient, "no servername"));

        SendmailQueueFile first = sendmailWithoutServername.awaitAttempts(queueId, 1, WAIT);
        assertEquals(Optional.of(STARTTLS_NOT_POSSIBLE), first.status(), () -> first + "\n" + sendmail.trace());
        CommandResult retry = sendmailWithoutServername.runQueue(queueId);
        assertTrue(retry.stdout().contains("<" + recipient + ">... " + STARTTLS_NOT_POSSIBLE), retry::describe);
        assertTrue(tlsSink.messages().stream().noneMatch(m -> m.isFor(recipient)),
                () -> "delivered: " + tlsSink.messages());
    }
}
