package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.sts.StsNetwork;
import org.starttls.policyd.server.testing.LocalDaemon;

/**
 * Live MTA-STS through a real Postfix: a domain that is in no list but publishes an MTA-STS
 * {@code enforce} policy (served by the local DNS and HTTPS world) gets {@code secure} from
 * policyd's socketmap, so Postfix itself defers mail to it when its MX offers no STARTTLS. Postfix
 * resolves the hosts through its chroot's etc/hosts; policyd resolves MTA-STS through the test
 * DNS server.
 */
@Tag("postfix")
class PostfixMtaStsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STS_ENFORCE = "sts-enforce.test";
    private static final String STS_TESTING = "sts-testing.test";
    private static final String TLS_NOT_OFFERED = "TLS is required, but was not offered by host ";

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static StsWorld world;
    private static Policyd policyd;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        postfix = PostfixInstance.create("mta-sts"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        world = StsWorld.start();
        world.publish(STS_ENFORCE, "20260101", StsWorld.policy("enforce", 86400, STS_ENFORCE));
        world.publish(STS_TESTING, "20260101", StsWorld.policy("testing", 86400, STS_TESTING));
        policyd = startPolicyd();
        String table = "socketmap:inet:127.0.0.1:" + LocalDaemon.port(policyd, "socketmap") + ":starttls";
        postfix.setMain("smtp_tls_policy_maps", table);
        postfix.addService("sink unix - - y - - smtp -o smtp_tcp_port=" + sink.port());
        postfix.setMain("default_transport", "sink");
        postfix.resolveToLoopback(STS_ENFORCE);
        postfix.resolveToLoopback(STS_TESTING);
        postfix.start();
    }

    private static Policyd startPolicyd() throws IOException, ConfigException {
        dir = Files.createTempDirectory("policyd-mta-sts-e2e");
        Instant signed = Instant.now().minusSeconds(60);
        Path list = TestLists.signed(TestKeys.primary(), signed, signed, signed.plus(Duration.ofDays(14)),
                Map.of("listed.test", "mx.listed.test")).writeTo(dir, "policy.json");
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.mtaSts.enabled = true;
        config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("test-ca.pem")).toString();
        config.dns.resolver = world.resolverSetting();
        DaemonSettings settings = DaemonSettings.from(config, null);
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort());
        return Policyd.start(settings, () -> settings, Clock.systemUTC(), UnaryOperator.identity(),
                s -> StsNetwork.open(s, fetch));
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.inOrder(postfix, sink);
        if (policyd != null) {
            policyd.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void postmapShowsTheMtaStsAnswer() {
        String table = "socketmap:inet:127.0.0.1:" + LocalDaemon.port(policyd, "socketmap") + ":starttls";
        Optional<String> answer = awaitPolicy(table, STS_ENFORCE);
        assertEquals(Optional.of("secure match=" + STS_ENFORCE + " servername=hostname"), answer);
        assertEquals(Optional.empty(), postfix.postmapQuery(table, STS_TESTING), "testing mode is report-only");
    }

    @Test
    void mailToAnMtaStsEnforceDomainIsDeferredByPostfixWhenItsMxOffersNoStarttls() throws IOException {
        String table = "socketmap:inet:127.0.0.1:" + LocalDaemon.port(policyd, "socketmap") + ":starttls";
        awaitPolicy(table, STS_ENFORCE); // the first contact fetches; Postfix would retry a TEMP anyway
        String recipient = recipientAt(STS_ENFORCE);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "mta-sts enforced"));

        DeliveryAttempt first = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(first.isDeferred() && first.reason().startsWith(TLS_NOT_OFFERED + STS_ENFORCE + "[127.0.0.1]"),
                () -> "expected a TLS deferral, got " + first + "\n" + postfix.log());
    }

    @Test
    void mailToAnMtaStsTestingDomainStillGoesOut() throws IOException {
        String recipient = recipientAt(STS_TESTING);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "mta-sts testing"));
        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);
        assertTrue(attempt.isSent(), () -> "expected delivery, got " + attempt + "\n" + postfix.log());
    }

    /** postmap until the first contact's fetch is done (a TEMP reads as a lookup error); bounded. */
    private static Optional<String> awaitPolicy(String table, String domain) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return postfix.postmapQuery(table, domain);
            } catch (IllegalStateException temp) {
                // TEMP: the socketmap's first-contact wait ran out before the fetch; ask again.
                if (System.nanoTime() > deadline) {
                    throw temp;
                }
            }
        }
    }
}
