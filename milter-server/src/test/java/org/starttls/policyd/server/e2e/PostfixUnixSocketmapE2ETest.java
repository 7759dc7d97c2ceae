package org.starttls.policyd.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.e2e.E2EDomains.ENFORCE;
import static org.starttls.policyd.server.e2e.E2EDomains.SENDER;
import static org.starttls.policyd.server.e2e.E2EDomains.UNLISTED;
import static org.starttls.policyd.server.e2e.E2EDomains.message;
import static org.starttls.policyd.server.e2e.E2EDomains.recipientAt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The socketmap door on a unix socket under Postfix's queue directory, as docs/operator-guide.md
 * ("Unix sockets") tells an admin to set it up: mode 0660, group {@code postfix}, and in
 * {@code main.cf} a path relative to the queue directory. Postfix's daemons run in the queue
 * directory, so the relative path is the one that also works for a chrooted delivery agent (the
 * harder case, tested here; an absolute path would be looked up inside the chroot). A lookup that
 * failed would defer every message with a "lookup error" (Postfix fails closed), so a TLS deferral
 * for the listed domain and a delivery for the unlisted one prove the lookup itself worked.
 */
@Tag("postfix")
class PostfixUnixSocketmapE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TLS_NOT_OFFERED = "TLS is required, but was not offered by host ";
    /** What main.cf says: relative to the queue directory, as the operator guide writes it. */
    private static final String RELATIVE_TABLE = "socketmap:unix:starttls-policyd/socketmap.sock:" + RealPolicyd.SOCKETMAP_NAME;

    private static PostfixInstance postfix;
    private static PlainSmtpSink sink;
    private static RealPolicyd policyd;
    private static Path socket;

    @BeforeAll
    static void startPostfixAgainstAUnixSocket() throws IOException {
        postfix = PostfixInstance.create("unixmap"); // skips (or fails, if required) without Postfix
        sink = PlainSmtpSink.start();
        Path socketDirectory = Files.createDirectories(postfix.queueDirectory().resolve("starttls-policyd"));
        socket = socketDirectory.resolve("socketmap.sock");
        policyd = RealPolicyd.start(config -> {
            config.socketmap.listen = "unix:" + socket;
            config.socketmap.socketMode = "0660";
            config.socketmap.socketGroup = "postfix";
        });
        // Every domain through a chrooted smtp(8) (column 5: y) that reads the relative table.
        postfix.addService("sink-chroot unix - - y - - smtp -o smtp_tcp_port=" + sink.port()
                + " -o smtp_tls_policy_maps=" + RELATIVE_TABLE);
        postfix.setMain("default_transport", "sink-chroot");
        E2EDomains.ALL.forEach(postfix::resolveToLoopback);
        postfix.start();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        Closing.inOrder(postfix, sink, policyd);
    }

    @Test
    void postmapReachesTheSocketByItsAbsolutePath() {
        String absoluteTable = "socketmap:unix:" + socket + ":" + RealPolicyd.SOCKETMAP_NAME;

        Optional<String> enforce = postfix.postmapQuery(absoluteTable, ENFORCE);

        assertTrue(enforce.isPresent() && enforce.get().startsWith("secure "), () -> "got " + enforce);
        assertEquals(Optional.empty(), postfix.postmapQuery(absoluteTable, UNLISTED));
    }

    @Test
    void aChrootedSmtpClientAsksThroughTheRelativePath() throws IOException {
        assertTlsDeferral(ENFORCE, "chrooted");
    }

    @Test
    void anUnlistedDomainIsDeliveredAfterALookupThroughTheSocket() throws IOException, InterruptedException {
        String recipient = recipientAt(UNLISTED);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, "unlisted via unix socket"));

        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);

        assertTrue(attempt.isSent(), () -> "expected delivery, got " + attempt + "\n" + postfix.log());
        sink.awaitMessageFor(recipient, WAIT);
    }

    private static void assertTlsDeferral(String domain, String how) throws IOException {
        String recipient = recipientAt(domain);
        String queueId = postfix.submit(SENDER, recipient, message(recipient, how));

        DeliveryAttempt attempt = postfix.awaitDeliveryAttempt(queueId, recipient, WAIT);

        assertTrue(attempt.isDeferred() && attempt.reason().startsWith(TLS_NOT_OFFERED + domain + "[127.0.0.1]"),
                () -> how + ": expected a TLS deferral (the policy was read), got " + attempt + "\n" + postfix.log());
        assertTrue(sink.messages().stream().noneMatch(m -> m.isFor(recipient)), () -> "leaked: " + sink.messages());
    }
}
