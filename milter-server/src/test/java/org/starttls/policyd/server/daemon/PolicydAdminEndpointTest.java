package org.starttls.policyd.server.daemon;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.PolicyCtl;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.admin.AdminProtocol;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

/** The admin endpoint of a whole daemon: reachable by policyctl however many idle clients hold it, and on a unix socket. */
class PolicydAdminEndpointTest {
    @TempDir
    Path dir;
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private PolicydConfig config() throws Exception {
        Instant signed = Instant.now().minusSeconds(120);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.example", "mx.listed.example")).writeTo(dir, "policy.json");
        return LocalDaemon.config(dir, list);
    }

    private void start(PolicydConfig config) throws Exception {
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());
    }

    private static String policyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return exit + "\n" + out + err;
    }

    @Test
    void idleAdminConnectionsUpToTheLimitDoNotLockPolicyctlOut() throws Exception {
        start(config());
        int port = LocalDaemon.port(daemon, "admin");
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < AdminProtocol.TRANSPORT.maxConnections(); i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(10_000);
                idle.add(socket);
                // One answered command each: the daemon has counted it before the next arrives.
                socket.getOutputStream().write("status\n".getBytes(US_ASCII));
                while (socket.getInputStream().read() != '\n') {
                    // the one-line reply
                }
            }
            String status = policyctl("status", "--admin", "127.0.0.1:" + port, "--timeout", "10");
            assertTrue(status.startsWith("0\n"), status);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aUnixAdminSocketIsOwnerOnlyInADirectoryCreatedOwnerOnly() throws Exception {
        Path socket = dir.resolve("run").resolve("admin.sock");
        PolicydConfig config = config();
        config.admin.listen = "unix:" + socket;
        start(config);
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(socket.getParent()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
        String status = policyctl("status", "--admin", "unix:" + socket, "--timeout", "10");
        assertTrue(status.startsWith("0\n"), status);
        daemon.close();
        daemon = null;
        assertTrue(!Files.exists(socket), "removed on stop");
    }

    @Test
    void aStaleSocketFromAPreviousRunIsReplacedButAFileOrALiveSocketIsNot() throws Exception {
        Path socket = dir.resolve("admin.sock");
        PolicydConfig config = config();
        config.admin.listen = "unix:" + socket;

        Files.writeString(socket, "not a socket");
        IOException file = assertThrows(IOException.class, () -> start(config));
        assertTrue(file.getMessage().contains("not a socket"), file.getMessage());
        Files.delete(socket);

        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(socket));
            IOException live = assertThrows(IOException.class, () -> start(config));
            assertTrue(live.getMessage().contains("another process is listening"), live.getMessage());
        }
        assertTrue(Files.exists(socket), "a closed server leaves its socket file behind: a stale socket");
        start(config);
        assertTrue(policyctl("status", "--admin", "unix:" + socket, "--timeout", "10").startsWith("0\n"));
    }
}
