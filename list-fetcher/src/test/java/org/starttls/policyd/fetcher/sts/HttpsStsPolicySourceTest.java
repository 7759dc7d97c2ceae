package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsPolicyProblem;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.testworld.PolicyResponse;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.TestCa;
import org.starttls.policyd.fetcher.testworld.TestDnsServer.Fault;

/** Every rule of RFC 8461 section 3.3 against real TLS policy hosts of the test world. */
class HttpsStsPolicySourceTest {
    private static final String DOMAIN = "example.test";
    private static final String HOST = StsWorld.policyHost(DOMAIN);
    private static final String POLICY = StsWorld.policy("enforce", 86400, "mx1.example.test", "*.example.net");
    private static final int LIMIT = StsFetchSettings.defaults().maxBodyBytes();

    private final List<AutoCloseable> closeLater = new CopyOnWriteArrayList<>();
    private StsWorld world;

    @BeforeEach
    void start() throws IOException {
        world = StsWorld.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeLater) {
            closeable.close();
        }
        world.close();
    }

    private HttpsStsPolicySource source(StsFetchSettings settings) {
        HttpsStsPolicySource source = new HttpsStsPolicySource(new DnsClient(world.dnsSettings()),
                PolicyHostTrust.fromPem(world.trustPem()), settings);
        closeLater.add(source);
        return source;
    }

    private StsFetchSettings settings() {
        return StsFetchSettings.defaults().withPort(world.httpsPort());
    }

    private StsPolicyFetch fetch() throws Exception {
        return fetch(source(settings()));
    }

    private static StsPolicyFetch fetch(HttpsStsPolicySource source) throws Exception {
        return source.fetch(DOMAIN).get(30, TimeUnit.SECONDS);
    }

    @Test
    void fetchesAndParsesAValidPolicy() throws Exception {
        world.publish(DOMAIN, "1", POLICY);

        StsPolicyResult.Valid valid = assertValid(fetch());

        assertEquals(StsMode.ENFORCE, valid.policy().mode());
        assertEquals(Duration.ofDays(1), valid.policy().maxAge());
        assertEquals(1, world.policyRequests(DOMAIN), "asked once, with SNI " + HOST);
        String request = world.hosts().lastRequest(HOST);
        assertTrue(request.startsWith("GET /.well-known/mta-sts.txt HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nHost: " + HOST + ":" + world.httpsPort() + "\r\n"), request);
        assertTrue(request.contains("\r\nConnection: close\r\n"), request);
    }

    @Test
    void theOutcomeCarriesTheVerifiedCertificatesNotAfter() throws Exception {
        Instant notAfter = Instant.now().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN,
                world.ca().leaf(Instant.now().minus(Duration.ofDays(1)), notAfter, HOST));

        assertEquals(notAfter, fetch().certificateNotAfter());
    }

    @Test
    void aFailureAfterTheHandshakeStillCarriesTheNotAfter() throws Exception {
        Instant notAfter = Instant.now().plus(Duration.ofDays(40)).truncatedTo(ChronoUnit.SECONDS);
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN,
                world.ca().leaf(Instant.now().minus(Duration.ofDays(1)), notAfter, HOST));
        world.serve(DOMAIN, PolicyResponse.status(404));

        StsPolicyFetch fetch = fetch();

        assertFailed(StsFailure.HTTP_STATUS, "404", fetch);
        assertEquals(notAfter, fetch.certificateNotAfter());
    }

    @Test
    void aRefusedCertificateCarriesNoNotAfter() throws Exception {
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN, world.ca().expired(HOST));

        StsPolicyFetch fetch = fetch();

        assertFailed(StsFailure.TLS, "validity check failed", fetch);
        assertNull(fetch.certificateNotAfter(), "nothing unverified is reported");
    }

    @Test
    void aPolicyThatDoesNotParseIsParsedInvalidNotAFailure() throws Exception {
        world.publish(DOMAIN, "1", "version: STSv1\nmode: enforce\nmax_age: 86400\n");

        StsPolicyFetch.Parsed parsed = assertInstanceOf(StsPolicyFetch.Parsed.class, fetch());

        StsPolicyResult.Invalid invalid = assertInstanceOf(StsPolicyResult.Invalid.class, parsed.result());
        assertEquals(StsPolicyProblem.NO_VALID_MX, invalid.reason());
    }

    @Test
    void aCertificateForAnotherNameIsATlsFailureWithTheReason() throws Exception {
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN, world.ca().leaf("mta-sts.other.test"));

        assertFailed(StsFailure.TLS, "No subject alternative DNS name matching " + HOST, fetch());
        assertEquals(0, world.policyRequests(DOMAIN));
    }

    @Test
    void anExpiredCertificateIsATlsFailureWithTheReason() throws Exception {
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN, world.ca().expired(HOST));

        assertFailed(StsFailure.TLS, "validity check failed", fetch());
    }

    @Test
    void aCertificateNotYetValidIsATlsFailure() throws Exception {
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN, world.ca().notYetValid(HOST));

        assertFailed(StsFailure.TLS, "validity check failed", fetch());
    }

    @Test
    void aSelfSignedCertificateOrAnotherCaIsATlsFailure() throws Exception {
        world.publish(DOMAIN, "1", POLICY).certificate(DOMAIN, world.ca().selfSigned(HOST));
        assertFailed(StsFailure.TLS, "unable to find valid certification path", fetch());

        world.certificate(DOMAIN, TestCa.create().leaf(HOST));
        assertFailed(StsFailure.TLS, "does not chain with any of the trust anchors", fetch());
    }

    @Test
    void theJdkTrustStoreDoesNotTrustTheTestCa() throws Exception {
        world.publish(DOMAIN, "1", POLICY);
        HttpsStsPolicySource source = new HttpsStsPolicySource(new DnsClient(world.dnsSettings()),
                PolicyHostTrust.jdkDefault(), settings());
        closeLater.add(source);

        assertFailed(StsFailure.TLS, "certification path", fetch(source));
    }

    @Test
    void aHostOfferingTls12IsFine() throws Exception {
        world.publish(DOMAIN, "1", POLICY);
        world.hosts().protocols("TLSv1.2");

        assertValid(fetch());
    }

    /**
     * The JDK's server side refuses TLS 1.1 by its own security policy, so a server that speaks
     * nothing newer is played by hand: it answers every ClientHello with a TLS 1.1 ServerHello.
     */
    @Test
    void aHostThatNegotiatesTls11IsATlsFailure() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread thread = new Thread(() -> answerWithTls11ServerHello(server), "tls11-server");
            thread.setDaemon(true);
            thread.start();
            world.serve(DOMAIN, PolicyResponse.policy(POLICY));

            StsPolicyFetch fetch = fetch(source(StsFetchSettings.defaults().withPort(server.getLocalPort())));

            assertFailed(StsFailure.TLS, "TLS11", fetch);
        }
    }

    private static void answerWithTls11ServerHello(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            byte[] recordHeader = in.readNBytes(5);
            in.readNBytes(((recordHeader[3] & 0xff) << 8) | (recordHeader[4] & 0xff)); // the ClientHello
            byte[] hello = new byte[5 + 4 + 38];
            byte[] start = {0x16, 0x03, 0x02, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x02};
            System.arraycopy(start, 0, hello, 0, start.length);
            // 32 bytes of random (zeros), no session id, TLS_RSA_WITH_AES_128_CBC_SHA, no compression
            hello[5 + 4 + 2 + 32] = 0;
            hello[5 + 4 + 2 + 32 + 1] = 0x00;
            hello[5 + 4 + 2 + 32 + 2] = 0x2f;
            hello[5 + 4 + 2 + 32 + 3] = 0;
            OutputStream out = socket.getOutputStream();
            out.write(hello);
            out.flush();
            in.read(); // wait for the client's alert or close
        } catch (IOException e) {
            // the test ended
        }
    }

    @Test
    void anyStatusButOkIsAnHttpStatusFailure() throws Exception {
        world.publish(DOMAIN, "1", POLICY).serve(DOMAIN, PolicyResponse.status(404));
        assertFailed(StsFailure.HTTP_STATUS, "404", fetch());

        world.serve(DOMAIN, PolicyResponse.status(500));
        assertFailed(StsFailure.HTTP_STATUS, "500", fetch());
    }

    @Test
    void aRedirectIsNeverFollowed() throws Exception {
        world.publish("elsewhere.test", "1", POLICY);
        world.serve(DOMAIN, PolicyResponse.redirect(301, "https://mta-sts.elsewhere.test:" + world.httpsPort()
                + "/.well-known/mta-sts.txt"));

        assertFailed(StsFailure.HTTP_STATUS, "redirects are never followed", fetch());
        assertEquals(0, world.policyRequests("elsewhere.test"));
    }

    @Test
    void onlyTextPlainIsAPolicy() throws Exception {
        world.serve(DOMAIN, PolicyResponse.policy(POLICY).withContentType("text/html"));
        assertFailed(StsFailure.CONTENT_TYPE, "\"text/html\"", fetch());

        world.serve(DOMAIN, PolicyResponse.policy(POLICY).withoutContentType());
        assertFailed(StsFailure.CONTENT_TYPE, "no Content-Type", fetch());

        world.serve(DOMAIN, PolicyResponse.policy(POLICY).withContentType("Text/Plain; charset=utf-8"));
        assertValid(fetch());
    }

    @Test
    void aBodyOfTheLimitIsReadAndOneByteMoreIsRefusedInEveryFraming() throws Exception {
        for (PolicyResponse.Framing framing : PolicyResponse.Framing.values()) {
            world.serve(DOMAIN, PolicyResponse.policyOfSize(LIMIT).withFraming(framing));
            assertValid(fetch());

            world.serve(DOMAIN, PolicyResponse.policyOfSize(LIMIT + 1).withFraming(framing));
            assertFailed(StsFailure.SIZE, "more than the limit of " + LIMIT + " bytes", fetch());
        }
    }

    @Test
    void aHostThatNeverAnswersMeetsTheDeadline() throws Exception {
        world.serve(DOMAIN, PolicyResponse.hang());

        assertFailed(StsFailure.TIMEOUT, "not fetched within 500 ms",
                fetch(source(settings().withDeadline(Duration.ofMillis(500)))));
    }

    @Test
    void aHostThatDripsItsAnswerMeetsTheDeadlineThoughEachReadIsQuick() throws Exception {
        world.serve(DOMAIN, PolicyResponse.policy(POLICY).dripping(Duration.ofMillis(20)));

        assertFailed(StsFailure.TIMEOUT, "not fetched within 500 ms",
                fetch(source(settings().withDeadline(Duration.ofMillis(500)))));
    }

    @Test
    void aHostThatAcceptsButNeverHandshakesMeetsTheDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            world.serve(DOMAIN, PolicyResponse.policy(POLICY));

            StsPolicyFetch fetch = fetch(source(StsFetchSettings.defaults().withPort(silent.getLocalPort())
                    .withDeadline(Duration.ofMillis(500))));

            assertEquals(StsFailure.TIMEOUT, assertInstanceOf(StsPolicyFetch.Failed.class, fetch).kind());
        }
    }

    @Test
    void triesEachAddressInTurn() throws Exception {
        world.publish(DOMAIN, "1", POLICY);
        world.dns().remove(HOST).a(HOST, "127.0.0.2").a(HOST, "127.0.0.1"); // nothing listens on 127.0.0.2

        assertValid(fetch());
    }

    @Test
    void noAddressThatTakesAConnectionIsAConnectFailure() throws Exception {
        world.publish(DOMAIN, "1", POLICY);
        world.dns().remove(HOST).a(HOST, "127.0.0.2").a(HOST, "127.0.0.3");

        assertFailed(StsFailure.CONNECT, "127.0.0.2", fetch());
    }

    @Test
    void aPolicyHostWithoutAddressIsADnsFailure() throws Exception {
        world.publishRecord(DOMAIN, "v=STSv1; id=1;");
        assertFailed(StsFailure.DNS, HOST + " does not exist", fetch());

        world.serve(DOMAIN, PolicyResponse.policy(POLICY));
        world.breakDns(HOST, Fault.SERVFAIL);
        assertFailed(StsFailure.DNS, "SERVFAIL", fetch());

        world.dns().heal(HOST).remove(HOST).txt(HOST, "no address here");
        assertFailed(StsFailure.DNS, "has no A or AAAA record", fetch());
    }

    @Test
    void aFullPoolAnswersBusyAtOnceAndAFreedOneFetchesAgain() throws Exception {
        world.serve("hung.test", PolicyResponse.hang());
        world.publish(DOMAIN, "1", POLICY);
        // The hung fetch waits the deadline out; the one after must fit in it even on a loaded machine.
        HttpsStsPolicySource source = source(settings().withMaxConcurrentFetches(1).withDeadline(Duration.ofSeconds(5)));

        CompletableFuture<StsPolicyFetch> hung = source.fetch("hung.test");
        CompletableFuture<StsPolicyFetch> refused = source.fetch(DOMAIN);

        assertTrue(refused.isDone(), "refused without waiting");
        assertFailed(StsFailure.BUSY, "not tried", refused.get());
        assertEquals(StsFailure.TIMEOUT, assertInstanceOf(StsPolicyFetch.Failed.class, hung.get(30, TimeUnit.SECONDS)).kind());
        assertValid(fetchOnceThePoolIsFree(source, DOMAIN));
    }

    /**
     * The permit of a timed-out fetch returns when its thread lets go of the socket the deadline
     * closed, an instant after the caller's future completed.
     */
    private static StsPolicyFetch fetchOnceThePoolIsFree(HttpsStsPolicySource source, String domain) throws Exception {
        // A hang guard, not a window: on a loaded machine that instant can be long.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            StsPolicyFetch fetch = source.fetch(domain).get(30, TimeUnit.SECONDS);
            if (!(fetch instanceof StsPolicyFetch.Failed failed && failed.kind() == StsFailure.BUSY)) {
                return fetch;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("the pool stayed full for 30 s");
    }

    private static StsPolicyResult.Valid assertValid(StsPolicyFetch fetch) {
        StsPolicyFetch.Parsed parsed = assertInstanceOf(StsPolicyFetch.Parsed.class, fetch, fetch.toString());
        return assertInstanceOf(StsPolicyResult.Valid.class, parsed.result(), parsed.toString());
    }

    private static void assertFailed(StsFailure kind, String detailPart, StsPolicyFetch fetch) {
        StsPolicyFetch.Failed failed = assertInstanceOf(StsPolicyFetch.Failed.class, fetch, fetch.toString());
        assertEquals(kind, failed.kind(), failed.detail());
        assertTrue(failed.detail().contains(detailPart), failed.detail());
    }
}
