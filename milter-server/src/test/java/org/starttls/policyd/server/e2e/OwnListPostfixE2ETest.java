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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.OwnLists;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.server.check.CheckWorld;
import org.starttls.policyd.server.probe.ProbeFixture;
import org.starttls.policyd.server.testing.HttpListServer;

/**
 * A list of one's own through a real Postfix: site A checks its partners with
 * {@code policyctl list build}, signs the result with a key from {@code keygen} and serves the pair
 * over HTTP; site B's policyd pins A's public key, fetches the list from {@code list.url}, and its
 * Postfix defers mail for a built {@code enforce} entry when the receiver offers no STARTTLS,
 * while a domain the build left out is delivered.
 */
@Tag("postfix")
class OwnListPostfixE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TLS_NOT_OFFERED = "TLS is required, but was not offered by host ";

    @TempDir
    static Path dir;
    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static CheckWorld world;
    private static HttpListServer siteA;
    private static RealPolicyd siteB;

    @BeforeAll
    static void siteABuildsAndSiteBEnforces() throws Exception {
        postfix = PostfixInstance.create("own-list"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        world = new CheckWorld(Files.createDirectories(dir.resolve("world")));
        siteA = new HttpListServer();
        Clock clock = Clock.systemUTC();
        Path keys = OwnLists.keygen(clock, dir.resolve("keys"), "Site A Lists <lists@a.example>");
        Path domains = Files.writeString(dir.resolve("domains.txt"), CheckWorld.GOOD + "\n" + CheckWorld.PLAIN + "\n");
        Path built = dir.resolve("policy.json");
        List<String> args = world.options();
        args.addAll(0, List.of("list", "build", "--domains", domains.toString(), "--output", built.toString()));
        OwnLists.Run build = OwnLists.policyctl(clock, args.toArray(String[]::new));
        assertEquals(1, build.exit(), build::toString); // plain.test is left out
        Path signature = OwnLists.sign(clock, keys, built);
        siteA.serve(new TestLists.Signed(Files.readAllBytes(built), Files.readAllBytes(signature)));

        siteB = RealPolicyd.start(config -> {
            config.list.file = null;
            config.list.url = siteA.listUri().toString();
            config.list.keyring = keys.resolve("public.asc").toString();
        });
        assertTrue(siteB.reloadList(), "site B installs site A's list");
        postfix.setMain("smtp_tls_policy_maps", siteB.socketmapTable());
        postfix.addService("sink unix - - y - - smtp -o smtp_tcp_port=" + sink.port());
        postfix.setMain("default_transport", "sink");
        List.of(CheckWorld.GOOD, CheckWorld.PLAIN).forEach(postfix::resolveToLoopback);
        postfix.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(postfix, sink, siteB, siteA, world);
    }

    @Test
    void postfixReadsTheBuiltEntryThroughTheSocketmap() {
        assertEquals(Optional.of("secure match=" + ProbeFixture.GOOD + " servername=hostname"),
                postfix.postmapQuery(siteB.socketmapTable(), CheckWorld.GOOD));
        assertEquals(Optional.empty(), postfix.postmapQuery(siteB.socketmapTable(), CheckWorld.PLAIN));
    }

    @Test
    void mailForABuiltEnforceEntryIsDeferredWithoutStarttlsAndALeftOutDomainIsDelivered() throws IOException {
        String enforced = recipientAt(CheckWorld.GOOD);
        String enforcedId = postfix.submit(SENDER, enforced, message(enforced, "built and enforced"));
        String leftOut = recipientAt(CheckWorld.PLAIN);
        String leftOutId = postfix.submit(SENDER, leftOut, message(leftOut, "left out"));

        DeliveryAttempt deferred = postfix.awaitDeliveryAttempt(enforcedId, enforced, WAIT);
        assertTrue(deferred.isDeferred() && deferred.reason().startsWith(TLS_NOT_OFFERED + CheckWorld.GOOD),
                () -> "expected a TLS deferral, got " + deferred + "\n" + postfix.log());
        DeliveryAttempt sent = postfix.awaitDeliveryAttempt(leftOutId, leftOut, WAIT);
        assertTrue(sent.isSent(), () -> "expected delivery, got " + sent + "\n" + postfix.log());
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(enforced)), () -> "leaked: " + sink.messages());
    }
}
