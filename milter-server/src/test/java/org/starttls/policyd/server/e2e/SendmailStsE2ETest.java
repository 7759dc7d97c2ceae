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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Delivery-time enforcement through a real Sendmail 8.17: {@code FEATURE(`sts')} asks policyd's
 * socketmap door (request {@code sts DOMAIN}) before each delivery, and a receiver without STARTTLS
 * gets mail for a listed domain deferred by Sendmail itself, while mail for an unlisted domain
 * still goes out. A second Sendmail asks a socketmap nobody serves, to show that the map
 * definition in {@code deploy/sendmail/} fails closed.
 */
@Tag("sendmail")
class SendmailStsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What FEATURE(sts) needs compiled in (Debian 12's sendmail-bin 8.17.1.9 has all three). */
    private static final Set<String> STS_BUILD = Set.of("_FFR_MTA_STS", "SOCKETMAP", "STARTTLS");
    /** Sendmail's own words (deliver.c) when the STS policy requires TLS and the peer does not offer it. */
    private static final String TLS_NOT_OFFERED = "Deferred: 403 4.7.0 other side does not support STARTTLS";
    /** FEATURE(sts)'s rule for a map lookup that failed temporarily ({@code -T<TMPF>}). */
    private static final String STS_TEMP_FAIL = "450 4.7.0 <" + recipientAt(POLICYD_DOWN) + ">... STS lookup temp fail";

    private static SendmailInstance sendmail;
    private static SendmailInstance sendmailWithPolicydDown;
    private static PlainSmtpSink sink;
    private static PolicydUnderTest policyd;

    @BeforeAll
    static void startSendmailAgainstPolicyd() throws IOException {
        SendmailInstallation installation = SendmailAvailability.requireCompiledWith(
                SendmailAvailability.installationOrSkip(), STS_BUILD); // skips (or fails, if required)
        sink = PlainSmtpSink.start();
        policyd = PolicydUnderTest.start();
        sendmail = SendmailInstance.create("sts", installation);
        // deploy/sendmail/starttls-policyd.mc's map definition, on the test daemon's port
        sendmail.stsMap(SendmailSnippet.stsMapDefinition(policyd.socketmapPort()));
        sendmailWithPolicydDown = SendmailInstance.create("sts-policyd-down", installation);
        sendmailWithPolicydDown.stsMap(SendmailSnippet.stsMapDefinition(PostfixInstance.unusedLoopbackPort()));
        for (SendmailInstance instance : List.of(sendmail, sendmailWithPolicydDown)) {
            instance.deliverToPort(sink.port());
            E2EDomains.ALL.forEach(instance::resolveToLoopback);
            instance.resolveToLoopback("client.test");
            instance.start();
        }
    }

    @AfterAll
    static void stopEverything() throws IOException {
        // Sendmail first, then the peers it talks to
        Closing.inOrder(sendmail, sendmailWithPolicydDown, sink, policyd);
    }

    @Test
    void sendmailReadsThePoliciesThroughTheStsMap() {
        Optional<String> enforce = sendmail.mapLookup("sts", ENFORCE);
        assertTrue(enforce.isPresent(), "no policy for " + ENFORCE);
        assertEquals("secure match=." + ENFORCE + " servername=hostname", enforce.get());

        assertEquals(Optional.empty(), sendmail.mapLookup("sts", UNLISTED));
    }

    /**
     * FEATURE(sts)'s own rule for {@code match=} (ruleset STS_Check, run on policyd's live answer
     * {@code match=.enforce.test}): the MX host name Sendmail connected to must be listed, or be
     * exactly one label below a listed {@code .domain}; deeper hosts are deferred, unlike Postfix,
     * whose {@code .domain} accepts any depth. (The certificate must then name that host: the
     * SAN check that follows, satisfied here so that only the match rule decides.)
     */
    @Test
    void sendmailAcceptsAnMxHostExactlyOneLabelBelowTheListedPattern() {
        assertEquals("ok", stsCheck("mx." + ENFORCE));
        assertEquals("$# error $@ 4 . 7 . 0 $: 450 a . mx . enforce . test not found in \" \" . enforce . test",
                stsCheck("a.mx." + ENFORCE));
        assertEquals("$# error $@ 4 . 7 . 0 $: 450 enforce . test not found in \" \" . enforce . test",
                stsCheck(ENFORCE));
        assertEquals("$# error $@ 4 . 7 . 0 $: 450 mx . other . test not found in \" \" . enforce . test",
                stsCheck("mx.other.test"));
        // no policy, no check
        assertEquals("ok", sendmail.ruleset("STS_Check", recipientAt(UNLISTED),
                Map.of("rcpt_addr", recipientAt(UNLISTED), "server_name", "mx.other.test"), Map.of()));
    }

    private static String stsCheck(String mxHost) {
        String recipient = recipientAt(ENFORCE);
        return sendmail.ruleset("STS_Check", recipient, Map.of("rcpt_addr", recipient, "server_name", mxHost),
                Map.of("cert_altnames", mxHost));
    }

    @Test
    void mailForAnEnforcedDomainStaysDeferredWhenTheReceiverOffersNoStarttls() throws IOException {
        String recipient = recipientAt(ENFORCE);
        String queueId = sendmail.submit(SENDER, recipient, message(recipient, "enforced"));

        SendmailQueueFile first = sendmail.awaitAttempts(queueId, 1, WAIT);
        assertEquals(Optional.of(TLS_NOT_OFFERED), first.status(), () -> first + "\n" + sendmail.trace());
        assertEquals(List.of(recipient), first.recipients());

        // A retry asks policyd again and is refused again: the message never leaves in the clear.
        CommandResult retry = sendmail.runQueue(queueId);
        assertTrue(retry.stdout().contains("<" + recipient + ">... " + TLS_NOT_OFFERED), retry::describe);
        assertEquals(2, sendmail.queued(queueId).orElseThrow().attempts());
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }

    @Test
    void mailForAnUnlistedDomainIsDeliveredWithoutTls() throws IOException, InterruptedException {
        String recipient = recipientAt(UNLISTED);
        String queueId = sendmail.submit(SENDER, recipient, message(recipient, "unlisted"));

        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        assertEquals(SENDER, received.mailFrom());
        assertEquals(List.of("unlisted"), received.headerValues("Subject"));
        assertTrue(received.content().contains("\n.a line that needs dot-stuffing\n"), received::content);
        Polling.until(WAIT, () -> sendmail.queued(queueId).isEmpty() ? Optional.of(true) : Optional.empty(),
                () -> queueId + " is still queued: " + sendmail.queued(queueId));
    }

    @Test
    void mailIsDeferredNotSentInTheClearWhenPolicydCannotBeReached() throws IOException {
        String recipient = recipientAt(POLICYD_DOWN);
        String queueId = sendmailWithPolicydDown.submit(SENDER, recipient, message(recipient, "policyd down"));

        SendmailQueueFile first = sendmailWithPolicydDown.awaitAttempts(queueId, 1, WAIT);
        CommandResult retry = sendmailWithPolicydDown.runQueue(queueId);

        // mailq shows the map's failure; the attempt itself reports FEATURE(sts)'s rule.
        assertEquals(Optional.of("sts map: lookup (" + POLICYD_DOWN + "): deferred"), first.status(), first::toString);
        assertTrue(retry.stdout().contains("<" + recipient + ">... Deferred: " + STS_TEMP_FAIL), retry::describe);
        assertEquals(2, sendmailWithPolicydDown.queued(queueId).orElseThrow().attempts(), () -> first.toString());
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }
}
