package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.starttls.policyd.server.testing.TestCertificates;
import org.starttls.policyd.server.testing.TestCertificates.Issued;

/**
 * Debian's {@code pebble} (Let's Encrypt's test ACME server, with its own test CA generated at
 * start) on loopback, and {@code certbot} pointed at it with its config, work and log directories
 * under one temporary directory. Pebble runs with {@code PEBBLE_VA_ALWAYS_VALID=1}: there is no
 * DNS or port 80 offline, and what is under test is what happens with the certificate, not the
 * challenge. Skipped without pebble and certbot; a failure under {@code policyd.e2e.required=true}.
 */
final class AcmeWorld implements AutoCloseable {
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(120);

    private final Path dir;
    private final Process pebble;
    private final int acmePort;
    private final int managementPort;
    private final SSLContext trustPebbleListener;
    private final CommandRunner runner;

    private AcmeWorld(Path dir, Process pebble, int acmePort, int managementPort, SSLContext trust) {
        this.dir = dir;
        this.pebble = pebble;
        this.acmePort = acmePort;
        this.managementPort = managementPort;
        this.trustPebbleListener = trust;
        this.runner = new CommandRunner(dir);
    }

    static AcmeWorld start(Path dir) throws Exception {
        for (String tool : List.of("/usr/bin/pebble", "/usr/bin/certbot")) {
            if (!Files.isExecutable(Path.of(tool))) {
                String problem = tool + " is not installed (Debian packages pebble and certbot)";
                if (Boolean.getBoolean(PostfixAvailability.REQUIRED_PROPERTY)) {
                    fail(problem + ", and -D" + PostfixAvailability.REQUIRED_PROPERTY + "=true demands these tests");
                }
                Assumptions.abort(problem + "; skipping");
            }
        }
        Instant now = Instant.now();
        Issued listener = TestCertificates.selfSigned("localhost", List.of("localhost"), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(2)));
        Path[] files = PemFiles.write(listener, dir, "pebble-listener");
        int acme = PostfixInstance.unusedLoopbackPort();
        int management = PostfixInstance.unusedLoopbackPort();
        Path config = Files.writeString(dir.resolve("pebble.json"), "{\"pebble\": {\"listenAddress\": \"127.0.0.1:" + acme
                + "\", \"managementListenAddress\": \"127.0.0.1:" + management + "\", \"certificate\": \"" + files[0]
                + "\", \"privateKey\": \"" + files[1] + "\", \"httpPort\": " + PostfixInstance.unusedLoopbackPort()
                + ", \"tlsPort\": " + PostfixInstance.unusedLoopbackPort() + ", \"ocspResponderURL\": \"\", "
                + "\"externalAccountBindingRequired\": false}}");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/pebble", "-config", config.toString())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(dir.resolve("pebble.log").toFile()).redirectErrorStream(true);
        builder.environment().put("PEBBLE_VA_ALWAYS_VALID", "1");
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0"); // certbot retries bad nonces, but slowly
        Process process = builder.start();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("pebble", listener.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        AcmeWorld world = new AcmeWorld(dir, process, acme, management, context);
        Polling.until(Duration.ofSeconds(30), () -> world.listening() ? Optional.of(true) : Optional.empty(),
                () -> "pebble did not start:\n" + world.log());
        return world;
    }

    private boolean listening() {
        for (int port : new int[] {acmePort, managementPort}) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                // listening
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Pebble's root certificate (generated at its start), from its management endpoint. */
    Path fetchRoot(Path file) throws IOException {
        HttpsURLConnection get = (HttpsURLConnection) new URL("https://localhost:" + managementPort + "/roots/0")
                .openConnection();
        get.setSSLSocketFactory(trustPebbleListener.getSocketFactory());
        get.setConnectTimeout(10_000);
        get.setReadTimeout(10_000);
        if (get.getResponseCode() != HttpURLConnection.HTTP_OK) {
            throw new IOException("pebble /roots/0: HTTP " + get.getResponseCode());
        }
        try (InputStream in = get.getInputStream()) {
            return Files.writeString(file, new String(in.readNBytes(64 * 1024), StandardCharsets.US_ASCII));
        }
    }

    /** certbot with its directories under {@code letsencrypt} and pebble as the ACME server. */
    CommandResult certbot(Path letsencrypt, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/certbot"));
        command.addAll(List.of(args));
        command.addAll(List.of("--non-interactive", "--agree-tos", "--register-unsafely-without-email",
                "--server", "https://127.0.0.1:" + acmePort + "/dir", "--no-verify-ssl",
                "--config-dir", letsencrypt.toString(), "--work-dir", letsencrypt.resolve("work").toString(),
                "--logs-dir", letsencrypt.resolve("logs").toString()));
        return runner.run(COMMAND_LIMIT, command);
    }

    /** A certificate for {@code names}: the challenge is answered by pebble's always-valid VA. */
    CommandResult certonly(Path letsencrypt, String certName, String... names) {
        List<String> args = new ArrayList<>(List.of("certonly", "--manual", "--preferred-challenges", "http",
                "--manual-auth-hook", "/bin/true", "--cert-name", certName));
        for (String name : names) {
            args.addAll(List.of("-d", name));
        }
        return certbot(letsencrypt, args.toArray(String[]::new));
    }

    String log() {
        try {
            return Files.exists(dir.resolve("pebble.log")) ? Files.readString(dir.resolve("pebble.log")) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        pebble.destroy();
        if (!pebble.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            pebble.destroyForcibly();
        }
    }
}
