package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.transport.ListenAddress;

/** What policyctl says when the admin endpoint cannot be reached, by how it failed. */
class AdminClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void nothingListeningAsksWhetherPolicydRuns() {
        AdminClient.UnreachableException e = assertThrows(AdminClient.UnreachableException.class,
                () -> AdminClient.call(ListenAddress.parse("127.0.0.1:1"), "status", TIMEOUT));
        assertTrue(e.getMessage().contains("is policyd running"), e.getMessage());
    }

    @Test
    void anEndpointThatClosesTheConnectionAtOnceMayBeAtItsLimit() throws Exception {
        // As a door at its connection limit, with every connection busy, refuses a newcomer.
        try (ServerSocket full = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread refuser = new Thread(() -> {
                try (Socket newcomer = full.accept()) {
                    newcomer.setSoLinger(true, 0);
                } catch (IOException e) {
                    // The test is over.
                }
            }, "full-admin");
            refuser.setDaemon(true);
            refuser.start();
            AdminClient.UnreachableException e = assertThrows(AdminClient.UnreachableException.class,
                    () -> AdminClient.call(ListenAddress.parse("127.0.0.1:" + full.getLocalPort()), "status", TIMEOUT));
            assertTrue(e.getMessage().contains("may be busy or at its connection limit"), e.getMessage());
            assertTrue(!e.getMessage().contains("is policyd running"), e.getMessage());
            refuser.join(5_000);
        }
    }
}
