package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.UNLISTED;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.server.transport.RunningServer;

/**
 * Downgrade detection end to end, with nothing stood in for: a real Postfix asks the real daemon
 * through {@code check_policy_service}; the daemon's probe resolves the listed enforce domain's MX
 * through a local DNS server (the MX name maps to 127.0.0.1), connects to the {@link PlainSmtpSink}
 * there (which offers no STARTTLS), and the recipient is answered 4xx at RCPT.
 */
@Tag("postfix")
class PostfixDowngradeProbeE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String STRIPPED = "stripped-probe.test";
    private static final String STRIPPED_MX = "mx." + STRIPPED;

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static TestDnsServer dns;
    private static Policyd daemon;
    private static Path dir;

    @BeforeAll
    static void startPostfixAgainstAProbingPolicyd() throws IOException, ConfigException {
        postfix = PostfixInstance.create("probe"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        dns = TestDnsServer.start();
        dns.mx(STRIPPED, 10, STRIPPED_MX).a(STRIPPED_MX, "127.0.0.1");
        dir = Files.createTempDirectory("policyd-probe-e2e-");
        Instant now = Instant.now();
        Path list = TestLists.signed(TestKeys.primary(), now.minusSeconds(60), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(14)), Map.of(STRIPPED, "." + STRIPPED)).writeTo(dir, "policy.json");
        Path keyring = dir.resolve("keyring.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
        PolicydConfig config = new PolicydConfig();
        config.list.file = list.toString();
        config.list.keyring = keyring.toString();
        config.list.stateDir = dir.resolve("state").toString();
        config.socketmap.enabled = false;
        config.policyService.listen = "127.0.0.1:0";
        config.admin.enabled = false;
        config.probe.enabled = true;
        config.probe.resolver = "127.0.0.1:" + dns.address().getPort();
        config.probe.port = sink.port();
        config.probe.ehloName = "probe.policyd.test";
        config.probe.waitMillis = 8_000; // the first RCPT waits for the probe
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC());
        int policyPort = daemon.servers().stream().filter(s -> s.name().equals(PolicyServiceServer.NAME)).findFirst()
                .map(RunningServer::port).orElseThrow();
        postfix.setMain("smtpd_recipient_restrictions", "check_policy_service inet:127.0.0.1:" + policyPort);
        postfix.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        try {
            Closing.inOrder(postfix, sink, daemon, dns); // Postfix first, then the peers it talks to
        } finally {
            if (dir != null) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    @Test
    void aListedEnforceDomainWhoseMxOffersNoStarttlsIsDeferredAtRcpt() throws IOException {
        try (SmtpTestClient smtp = SmtpTestClient.connect(postfix.smtpdPort(), WAIT)) {
            assertEquals(250, smtp.command("EHLO client.test").code());
            assertEquals(250, smtp.command("MAIL FROM:<" + SENDER + ">").code());

            SmtpReply rcpt = smtp.command("RCPT TO:<" + recipientAt(STRIPPED) + ">");

            assertEquals(450, rcpt.code(), rcpt::toString);
            assertTrue(rcpt.text().startsWith("4.7.5 "), rcpt::toString);
            assertTrue(rcpt.text().contains(STRIPPED), rcpt::toString);
            assertTrue(rcpt.text().contains("starttls-not-supported"), rcpt::toString);
            // the same session still takes mail for a domain the policy has nothing against
            assertEquals(250, smtp.command("RCPT TO:<" + recipientAt(UNLISTED) + ">").code());
            smtp.command("QUIT");
        }
    }
}
