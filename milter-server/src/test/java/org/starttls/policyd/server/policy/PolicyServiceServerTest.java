package org.starttls.policyd.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.server.testing.Golden;
import org.starttls.policyd.server.testing.LineClient;
import org.starttls.policyd.server.testing.TestLists;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/** The policy delegation door on a real socket, driven by an independent client. */
class PolicyServiceServerTest {
    private static final String GMAIL = "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=u@gmail.com\n\n";
    private static final String DUNNO = "action=DUNNO\n\n";
    private static final String GMAIL_TAGGED = "action=PREPEND X-STARTTLS-Policy: gmail.com=enforce"
            + "(match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com)\n\n";

    private static EventLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(2, true);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    private static RunningServer start(TransportSettings transport) throws IOException {
        return PolicyServiceServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"), transport,
                PolicyServiceSettings.DEFAULTS.withTagHeader(true),
                PolicyResponderTest.withDowngradeOnComcast(TestLists.effEngine()));
    }

    @ParameterizedTest(name = "read size {0}")
    @ValueSource(ints = {4096, 128, 16, 1})
    void replaysTheGoldenDialogue(int readSize) throws IOException {
        Golden golden = Golden.load(PolicyServiceServerTest.class, "golden-dialogue.txt", "\n");
        try (RunningServer server = start(TransportSettings.DEFAULTS.withReadBufferBytes(readSize));
                LineClient client = new LineClient(server.port())) {
            client.send(golden.client(), readSize);
            assertEquals(golden.serverText(), client.read(golden.server().length, readSize));
            // Closed without a byte of answer (a reset when the server closes with input unread).
            assertTrue(client.closedWithin(30_000), "the malformed request is not answered, the connection is closed");
        }
    }

    @Test
    void garbageClosesThatConnectionOnlyAndIsNeverAnswered() throws IOException {
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient other = new LineClient(server.port())) {
            try (LineClient attacker = new LineClient(server.port())) {
                attacker.send("\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003\n\n");
                assertTrue(attacker.closedWithin(30_000));
            }
            try (LineClient tooLong = new LineClient(server.port())) {
                tooLong.send("x".repeat(PolicyRequestDecoder.MAX_LINE_BYTES + 2));
                assertTrue(tooLong.closedWithin(30_000));
            }
            other.send(GMAIL);
            assertEquals(GMAIL_TAGGED, other.read(GMAIL_TAGGED.length()));
        }
    }

    @Test
    void oneConnectionServesManyRequestsInOrderAndSurvivesAVanishingNeighbour() throws IOException {
        String unlisted = "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=u@example.com\n\n";
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient client = new LineClient(server.port())) {
            try (LineClient vanishing = new LineClient(server.port())) {
                vanishing.send("request=smtpd_access_policy\nprotocol_st");
            }
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                client.send(i % 2 == 0 ? GMAIL : unlisted);
                expected.append(i % 2 == 0 ? GMAIL_TAGGED : DUNNO);
            }
            assertEquals(expected.toString(), client.read(expected.length()));
        }
    }
}
