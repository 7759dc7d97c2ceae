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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.testworld.StsWorld;

/**
 * Live MTA-STS through a real Sendmail 8.17: {@code FEATURE(`sts')}, configured with the line of
 * {@code deploy/sendmail/starttls-policyd.mc}, asks policyd's map {@code sts}, and policyd answers
 * from the domain's own MTA-STS policy (resolved through the local world's DNS server and fetched
 * from its HTTPS host under the world's CA). The domain is on no list, and its MX (the
 * {@link PlainSmtpSink}) offers no STARTTLS, so Sendmail itself defers the mail.
 *
 * <p>The map {@code sts} waits 4 seconds for a first contact (Sendmail's socket map gives up
 * after 5), and a machine busy with other builds can take longer for a first HTTPS fetch. So the
 * cache is warmed first, through Sendmail's own {@code sts} map: it is asked until it no longer
 * fails temporarily, as Sendmail's queue runs would ask again. What the test then shows is what
 * every later delivery sees.
 */
@Tag("sendmail")
class SendmailMtaStsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STS_ENFORCE = "sts-enforce.test";
    /** Publishes no _mta-sts record (the world answers NXDOMAIN) and is not listed. */
    private static final String NO_STS = "no-sts.test";
    private static final String LISTED = "listed.test";
    /** Sendmail's own words (deliver.c) when the STS policy requires TLS and the peer does not offer it. */
    private static final String TLS_NOT_OFFERED = "Deferred: 403 4.7.0 other side does not support STARTTLS";

    private static StsWorld world;
    private static PlainSmtpSink sink;
    private static RealPolicyd policyd;
    private static SendmailInstance sendmail;

    @BeforeAll
    static void startSendmailAgainstPolicydWithMtaSts() throws IOException {
        SendmailInstallation installation = SendmailAvailability.requireCompiledWith(
                SendmailAvailability.installationOrSkip(), Set.of("_FFR_MTA_STS", "SOCKETMAP", "STARTTLS"));
        world = StsWorld.start();
        world.publish(STS_ENFORCE, "20260101", StsWorld.policy("enforce", 86400, STS_ENFORCE));
        sink = PlainSmtpSink.start();
        policyd = RealPolicyd.startWithMtaSts(world, Map.of(LISTED, "mx." + LISTED));
        sendmail = SendmailInstance.create("mta-sts", installation);
        sendmail.stsMap(SendmailSnippet.stsMapDefinition(policyd.socketmapPort()));
        sendmail.deliverToPort(sink.port());
        for (String host : List.of(STS_ENFORCE, NO_STS, "client.test")) {
            sendmail.resolveToLoopback(host);
        }
        sendmail.start();
        awaitStsAnswer(STS_ENFORCE);
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(sendmail, sink, policyd);
        if (world != null) {
            world.close();
        }
    }

    @Test
    void sendmailReadsTheMtaStsPolicyThroughTheStsMap() throws IOException {
        assertEquals(Optional.of("secure match=" + STS_ENFORCE + " servername=hostname"),
                sendmail.mapLookup("sts", STS_ENFORCE));
        assertEquals(Optional.empty(), awaitStsAnswer(NO_STS));

        JsonNode lookup = policyd.adminLookup(STS_ENFORCE, "sts");
        assertEquals("mta-sts", lookup.path("source").asText(), lookup::toString);
        assertEquals(false, lookup.path("listed").asBoolean(true), lookup::toString);
        assertEquals(1, world.policyRequests(STS_ENFORCE), "Sendmail's lookups are answered from the cache");
    }

    @Test
    void mailForAnMtaStsEnforceDomainStaysDeferredWhenItsMxOffersNoStarttls() throws IOException {
        String recipient = recipientAt(STS_ENFORCE);
        String queueId = sendmail.submit(SENDER, recipient, message(recipient, "mta-sts enforced"));

        SendmailQueueFile first = sendmail.awaitAttempts(queueId, 1, WAIT);
        assertEquals(Optional.of(TLS_NOT_OFFERED), first.status(), () -> first + "\n" + sendmail.trace());

        CommandResult retry = sendmail.runQueue(queueId);
        assertTrue(retry.stdout().contains("<" + recipient + ">... " + TLS_NOT_OFFERED), retry::describe);
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }

    @Test
    void mailForAnUnlistedDomainWithoutMtaStsIsDelivered() throws IOException, InterruptedException {
        awaitStsAnswer(NO_STS);
        String recipient = recipientAt(NO_STS);
        sendmail.submit(SENDER, recipient, message(recipient, "no mta-sts"));

        ReceivedMessage received = sink.awaitMessageFor(recipient, WAIT);
        assertEquals(List.of("no mta-sts"), received.headerValues("Subject"));
        assertTrue(world.recordQueries(NO_STS) > 0, "policyd never asked for _mta-sts." + NO_STS);
    }

    /** Sendmail's {@code /map sts DOMAIN} until it stops failing temporarily (policyd's first contact is done). */
    private static Optional<String> awaitStsAnswer(String domain) {
        return Polling.until(WAIT, () -> {
            try {
                return Optional.of(sendmail.mapLookup("sts", domain));
            } catch (IllegalStateException temporaryFailure) {
                return Optional.empty();
            }
        }, () -> "/map sts " + domain + " kept failing");
    }
}
