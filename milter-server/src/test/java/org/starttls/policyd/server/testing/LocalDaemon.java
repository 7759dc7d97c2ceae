package org.starttls.policyd.server.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.transport.RunningServer;

/**
 * A daemon for tests, as {@code policyd --list-file LIST --keyring KEY} runs it: a list signed by
 * {@link TestKeys#primary()}, its key pinned, every door and endpoint on 127.0.0.1:0, and MTA-STS
 * off (tests of MTA-STS turn it on against a local world).
 */
public final class LocalDaemon {
    private LocalDaemon() {
    }

    /** The configuration; {@code dir} receives the keyring and the state directory. */
    public static PolicydConfig config(Path dir, Path list) throws IOException {
        Path keyring = dir.resolve("signer.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
        PolicydConfig config = new PolicydConfig();
        config.list.file = list.toString();
        config.list.keyring = keyring.toString();
        config.list.stateDir = dir.resolve("state").toString();
        config.socketmap.listen = "127.0.0.1:0";
        config.policyService.listen = "127.0.0.1:0";
        config.admin.listen = "127.0.0.1:0";
        config.metrics.listen = "127.0.0.1:0";
        // The list's answers alone: these tests must not ask the real DNS about real domains.
        config.mtaSts.enabled = false;
        config.dane.enabled = false;
        return config;
    }

    /** The port a running door was bound to. */
    public static int port(Policyd daemon, String door) {
        return daemon.servers().stream().filter(s -> s.name().equals(door)).findFirst().map(RunningServer::port)
                .orElseThrow(() -> new IllegalStateException("no door named " + door));
    }

    /** Sends one admin command ({@code status}, {@code reload}) on a new connection; returns the JSON reply. */
    public static com.fasterxml.jackson.databind.JsonNode admin(Policyd daemon, String command) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port(daemon, "admin"))) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write((command + "\n").getBytes(US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader reader = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String line = reader.readLine();
            if (line == null) {
                throw new IOException("the admin endpoint closed without a reply to " + command);
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        }
    }

    /** One socketmap query ({@code starttls KEY}) on a new connection; returns the reply's payload. */
    public static String socketmap(Policyd daemon, String key) throws IOException {
        try (SocketmapClient client = new SocketmapClient(port(daemon, "socketmap"), 30_000)) {
            return client.query(key);
        }
    }
}
