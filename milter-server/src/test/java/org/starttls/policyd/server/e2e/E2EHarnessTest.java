package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The harness's own parsers, on text recorded from Postfix 3.7.11 and Sendmail 8.17.1.9; runs
 * without either.
 */
class E2EHarnessTest {

    @Test
    void deliveryAttemptIsReadFromTheSmtpLogLine() {
        String line = "Nov 29 04:05:16 policyd-e2e postfix/smtp[5628]: EE81520C1B8: to=<a@enforce.test>, "
                + "relay=enforce.test[127.0.0.1]:2526, delay=0.06, delays=0.01/0.04/0.01/0, dsn=4.7.4, "
                + "status=deferred (TLS is required, but was not offered by host enforce.test[127.0.0.1])";
        assertEquals(Optional.of(new DeliveryAttempt("EE81520C1B8", "a@enforce.test", "4.7.4", "deferred",
                        "TLS is required, but was not offered by host enforce.test[127.0.0.1]")),
                DeliveryAttempt.parse(line));
        assertEquals(Optional.empty(), DeliveryAttempt.parse("postfix/qmgr[5602]: EE81520C1B8: removed"));
    }

    @Test
    void queuedMessageIsReadFromPostqueueJson() throws IOException {
        String line = "{\"queue_name\": \"deferred\", \"queue_id\": \"EE81520C1B8\", \"arrival_time\": 1795925115, "
                + "\"message_size\": 423, \"forced_expire\": false, \"sender\": \"s@example.org\", \"recipients\": "
                + "[{\"address\": \"a@enforce.test\", \"delay_reason\": \"TLS is required\"}]}";
        QueuedMessage message = new ObjectMapper().readValue(line, QueuedMessage.class);
        assertEquals(new QueuedMessage("deferred", "EE81520C1B8", "s@example.org",
                List.of(new QueuedMessage.Recipient("a@enforce.test", "TLS is required"))), message);
    }

    @Test
    void headerValuesJoinFoldedLinesAndStopAtTheBody() {
        ReceivedMessage message = new ReceivedMessage("s@x.test", List.of("r@y.test"),
                "X-STARTTLS-Policy: one\n\tfolded\nSubject: s\n\nX-STARTTLS-Policy: in the body\n");
        assertEquals(List.of("one folded"), message.headerValues("x-starttls-policy"));
        assertTrue(message.isFor("R@Y.TEST"));
    }

    @Test
    void sendmailQueueFileGivesTheAttemptsTheLastStatusAndTheEnvelope() {
        String qf = "V8\nT1796173807\nK1796174093\nN5\nP390019\nI254/0/2179777\n"
                + "MDeferred: 403 4.7.0 other side does not support STARTTLS\nFs\n$_localhost [127.0.0.1]\n"
                + "$rESMTP\n$sclient.test\n${daemon_flags}\nS<sender@client.test>\nrRFC822; rcpt@enforce.test\n"
                + "RPFD:<rcpt@enforce.test>\nH?P?Return-Path: <\u0081g>\nH??Received: from client.test\n"
                + "\tby sendmail.test (8.17.1.9/8.17.1.9) with ESMTP id 6B21A7se014964\nH??Subject: t1\n.\n";
        assertEquals(new SendmailQueueFile("6B21A7se014964", 5,
                        Optional.of("Deferred: 403 4.7.0 other side does not support STARTTLS"), "sender@client.test",
                        List.of("rcpt@enforce.test")),
                SendmailQueueFile.parse("6B21A7se014964", qf));

        SendmailQueueFile fresh = SendmailQueueFile.parse("X",
                "V8\nT1796174147\nK0\nN0\nS<s@x.test>\nRPFD:<r@y.test>\n.\n");
        assertEquals(0, fresh.attempts());
        assertEquals(Optional.empty(), fresh.status());
    }

    @Test
    void sendmailQueueIdIsReadFromTheEndOfData() {
        assertEquals(Optional.of("6B21A7se014964"), SendmailInstance.queueIdIn(
                new SmtpReply(250, "2.0.0 6B21A7se014964 Message accepted for delivery")));
        assertEquals(Optional.empty(), SendmailInstance.queueIdIn(new SmtpReply(451, "4.3.2 Please try again later")));
        assertEquals(Optional.empty(), SendmailInstance.queueIdIn(new SmtpReply(250, "2.0.0 Ok: queued as 4F2C1")));
    }

    @Test
    void sendmailMapLookupIsReadFromAddressTestMode() {
        String banner = "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>\n";
        assertEquals(Optional.of("secure match=.enforce.test servername=hostname"), SendmailInstance.mapLookupResult(
                banner + "> map_lookup: sts (enforce.test) returns secure match=.enforce.test"
                        + " servername=hostname (0)\n> "));
        assertEquals(Optional.empty(), SendmailInstance.mapLookupResult(
                banner + "> map_lookup: sts (unlisted.test) no match (68)\n> "));
        // 75 = EX_TEMPFAIL: the socketmap answered TEMP or could not be reached
        IllegalStateException temp = assertThrows(IllegalStateException.class, () -> SendmailInstance.mapLookupResult(
                banner + "> map_lookup: sts (temp.test) no match (75)\n> "));
        assertTrue(temp.getMessage().contains("exit status 75"), temp::getMessage);
        assertThrows(IllegalStateException.class, () -> SendmailInstance.mapLookupResult(banner + "> "));
    }

    @Test
    void sendmailCompileOptionsAreReadFromItsDebugOutput() {
        String output = "Version 8.17.1.9\n"
                + " Compiled with: DNSMAP IPV6_FULL LDAPMAP LDAP_NETWORK_TIMEOUT\n"
                + "\t\tLDAP_REFERRALS LOG MAP_REGEX MATCHGECOS MAXDAEMONS=64 MILTER\n"
                + "\t\tNIS NISPLUS PIPELINING SASLv2 SCANF SOCKETMAP STARTTLS\n"
                + "    OS Defines: ADDRCONFIG_IS_BROKEN HASFCHOWN HASFCHMOD HASFLOCK\n"
                + "\t\tUSE_SIGLONGJMP USESETEUID\n"
                + "Kernel symbols:\t/boot/vmlinux\n"
                + "   FFR Defines: _FFR_BADRCPT_SHUTDOWN _FFR_MAIL_MACRO _FFR_MTA_STS\n"
                + "\t\t_FFR_SKIP_DOMAINS _FFR_TLS_ALTNAMES\n"
                + "       OpenSSL: compiled 0x300000d0\n";
        Set<String> options = SendmailInstallation.parseCompileOptions(output);
        assertTrue(options.containsAll(Set.of("MILTER", "SOCKETMAP", "STARTTLS", "MAXDAEMONS", "_FFR_MTA_STS",
                "_FFR_TLS_ALTNAMES")), options::toString);
        assertTrue(options.stream().noneMatch(o -> o.startsWith("HAS") || o.contains("OpenSSL")), options::toString);
    }

    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
