package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The harness's own parsers, on text recorded from Postfix 3.7.11; runs without Postfix. */
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

    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
