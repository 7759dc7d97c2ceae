package org.starttls.policyd.server.socketmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.testing.LineClient.netstring;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.server.testing.Golden;
import org.starttls.policyd.server.testing.LineClient;
import org.starttls.policyd.server.testing.TestLists;
import org.starttls.policyd.server.transport.EventLoops;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/** The socketmap door on a real socket, driven by an independent client. */
class SocketmapServerTest {
    private static final String GMAIL_REPLY =
            netstring("OK secure match=gmail-smtp-in.l.google.com:.gmail-smtp-in.l.google.com servername=hostname");
    private static final String NOTFOUND_REPLY = netstring("NOTFOUND ");

    private static EventLoops loops;
    private static SocketmapMaps maps;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(2, true);
        maps = new SocketmapMaps(TestLists.effEngine(), SocketmapMapSettings.DEFAULTS, Map.of(
                "early", SocketmapMapSettings.DEFAULTS.withEngineSettings(EngineSettings.DEFAULTS.withTestingDomains(TestingDomains.ENFORCE)),
                "legacy", SocketmapMapSettings.DEFAULTS.withServername(false)));
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    private static RunningServer start(TransportSettings settings) throws IOException {
        return SocketmapServer.start(new ServerFactory(loops), ListenAddress.parse("127.0.0.1:0"), settings, maps);
    }

    @ParameterizedTest(name = "read size {0}")
    @ValueSource(ints = {4096, 128, 16, 1})
    void replaysTheGoldenDialogue(int readSize) throws IOException {
        Golden golden = Golden.load(SocketmapServerTest.class, "golden-dialogue.txt", "");
        try (RunningServer server = start(TransportSettings.DEFAULTS.withReadBufferBytes(readSize));
                LineClient client = new LineClient(server.port())) {
            client.send(golden.client(), readSize);
            assertEquals(golden.serverText(), client.read(golden.server().length, readSize));
            assertTrue(client.closedWithin(30_000), "the malformed request at the end closes the connection");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnAReusedConnection() throws IOException {
        StringBuilder requests = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            boolean listed = i % 3 == 0;
            requests.append(netstring("sts " + (listed ? "gmail.com" : "host" + i + ".example")));
            expected.append(listed ? GMAIL_REPLY : NOTFOUND_REPLY);
        }
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient client = new LineClient(server.port())) {
            client.send(requests.toString());
            assertEquals(expected.toString(), client.read(expected.length()));
            client.send(netstring("sts gmail.com"));
            assertEquals(GMAIL_REPLY, client.read(GMAIL_REPLY.length()));
        }
    }

    @Test
    void aThousandIdleConnectionsDoNotStopAnswers() throws IOException {
        List<LineClient> idle = new ArrayList<>();
        try (RunningServer server = start(TransportSettings.DEFAULTS.withMaxConnections(2_000))) {
            try {
                for (int i = 0; i < 1_000; i++) {
                    idle.add(new LineClient(server.port()));
                }
                try (LineClient active = new LineClient(server.port())) {
                    for (int i = 0; i < 100; i++) {
                        active.send(netstring("sts gmail.com"));
                        assertEquals(GMAIL_REPLY, active.read(GMAIL_REPLY.length()));
                    }
                }
                // The idle ones are kept and still answer.
                LineClient first = idle.get(0);
                first.send(netstring("sts example.com"));
                assertEquals(NOTFOUND_REPLY, first.read(NOTFOUND_REPLY.length()));
            } finally {
                for (LineClient client : idle) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aClientThatVanishesMidRequestHarmsNoOne() throws IOException {
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient other = new LineClient(server.port())) {
            try (LineClient vanishing = new LineClient(server.port())) {
                vanishing.send("13:sts gma");
            }
            other.send(netstring("sts gmail.com"));
            assertEquals(GMAIL_REPLY, other.read(GMAIL_REPLY.length()));
        }
    }

    @Test
    void aHugeLengthIsRefusedAndClosedWithoutHarmingOthers() throws IOException {
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient other = new LineClient(server.port())) {
            try (LineClient attacker = new LineClient(server.port())) {
                attacker.send("10000000:");
                String reply = attacker.readToEnd();
                assertEquals(netstring("PERM malformed request: netstring length exceeds the limit of 10000 bytes"), reply);
            }
            other.send(netstring("sts gmail.com"));
            assertEquals(GMAIL_REPLY, other.read(GMAIL_REPLY.length()));
        }
    }

    @Test
    void garbageIsRefusedAndClosedWithoutHarmingOthers() throws IOException {
        byte[] garbage = new byte[1000]; // under one read, so the close is not a reset
        new Random(42).nextBytes(garbage);
        garbage[0] = 'G'; // not a digit, whatever the seed gives
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient other = new LineClient(server.port())) {
            try (LineClient attacker = new LineClient(server.port())) {
                attacker.send(garbage, garbage.length);
                String reply = attacker.readToEnd();
                assertTrue(reply.contains(":PERM malformed request: netstring length contains a non-digit"), reply);
            }
            other.send(netstring("sts gmail.com"));
            assertEquals(GMAIL_REPLY, other.read(GMAIL_REPLY.length()));
        }
    }

    @Test
    void aQueryOfExactlyTheLimitIsAnsweredAndOneMoreIsRefused() throws IOException {
        String key = "a".repeat(SocketmapProtocol.MAX_QUERY_BYTES - "sts ".length());
        try (RunningServer server = start(TransportSettings.DEFAULTS); LineClient client = new LineClient(server.port())) {
            client.send(netstring("sts " + key));
            assertEquals(NOTFOUND_REPLY, client.read(NOTFOUND_REPLY.length()));
            client.send(netstring("sts " + key + "a"));
            assertFalse(client.readToEnd().startsWith("9:NOTFOUND"));
        }
    }
}
