package org.starttls.policyd.fetcher;

import org.starttls.policyd.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestKey;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

/**
 * One update run against a real HTTP server on 127.0.0.1, for every way the input can be bad. In
 * each refusal the result names the reason and the state directory is byte-for-byte unchanged.
 */
class ListUpdaterTest {
    static final Instant DAY1 = Instant.parse("2019-06-01T00:00:00Z");
    static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
    static final Instant EXPIRES = DAY1.plus(Duration.ofDays(14));
    static final TestKey KEY = TestKeys.primary();

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(DAY2.plus(Duration.ofHours(1)));
    /** Generous timeouts: on a loaded machine a healthy local server must never look stalled. */
    private final HttpListDownloader downloader = downloader(Duration.ofSeconds(30));
    /** For the one test of a stalling server, which must hit its read timeout. */
    private final HttpListDownloader impatientDownloader = downloader(Duration.ofSeconds(2));
    private TestHttpServer server;
    private StateDirectory state;
    /** The pair installed before each test: signed on day 1, two domains. */
    private TestLists.Signed installed;

    static TestLists.Signed day1() {
        return TestLists.signed(KEY, DAY1.plusSeconds(60), ListJson.list(DAY1, EXPIRES)
                .enforce("a.example", "mx.a.example").enforce("b.example", "mx.b.example").bytes());
    }

    static TestLists.Signed day2() {
        return TestLists.signed(KEY, DAY2.plusSeconds(60), ListJson.list(DAY2, EXPIRES.plus(Duration.ofDays(1)))
                .enforce("a.example", "mx.a.example").enforce("b.example", "mx2.b.example")
                .enforce("c.example", "mx.c.example").bytes());
    }

    @BeforeEach
    void installDay1() throws Exception {
        server = new TestHttpServer();
        state = new StateDirectory(root);
        installed = day1();
        serve(installed, "\"day1\"");
        assertInstanceOf(UpdateResult.Installed.class, updater().update());
        server.requests().clear();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private void serve(TestLists.Signed pair, String etag) {
        server.serve("/policy.json", TestHttpServer.Response.ok(pair.list(), etag))
                .serve("/policy.json.asc", TestHttpServer.Response.ok(pair.signature()));
    }

    private static HttpListDownloader downloader(Duration readTimeout) {
        return new HttpListDownloader(FetchSettings.DEFAULTS
                .withTimeouts(Duration.ofSeconds(30), readTimeout, Duration.ofSeconds(60))
                .withMaxListBytes(4096));
    }

    private ListUpdater updater() {
        return updater(ListSource.url(server.uri("/policy.json")));
    }

    private ListUpdater updater(ListSource source) {
        return new ListUpdater(source, downloader, new ListVerifier(KEY.keyring()), state, clock);
    }

    /** Runs an update that must be refused for {@code reason} and must leave the state directory alone. */
    private UpdateResult.Refused refusedLeavingStateAlone(ListUpdater updater, RefusalReason reason, String because) {
        Map<String, String> before = StateSnapshot.of(root);

        UpdateResult result = updater.update();

        UpdateResult.Refused refused = assertInstanceOf(UpdateResult.Refused.class, result);
        assertEquals(reason, refused.reason(), refused.message());
        assertTrue(refused.message().contains(because), refused.message());
        assertEquals(before, StateSnapshot.of(root));
        return refused;
    }

    @Test
    void firstInstallPutsTheVerifiedPairOnDisk() throws Exception {
        InstalledPair pair = state.readInstalled().orElseThrow();

        assertArrayEquals(installed.list(), pair.list());
        assertArrayEquals(installed.signature(), pair.signature());
    }

    @Test
    void aNewerListIsInstalledWithItsDiff() throws Exception {
        TestLists.Signed next = day2();
        serve(next, "\"day2\"");

        UpdateResult.Installed result = assertInstanceOf(UpdateResult.Installed.class, updater().update());

        assertEquals(List.of("c.example"), List.copyOf(result.diff().added()));
        assertEquals(List.of("b.example"), List.copyOf(result.diff().changed()));
        assertTrue(result.diff().removed().isEmpty());
        assertEquals(DAY1, result.previous().list().timestamp());
        assertEquals(DAY2, result.list().list().timestamp());
        assertTrue(state.readInstalled().orElseThrow().sameBytes(next.list(), next.signature()));
    }

    @Test
    void anUnchangedListCostsOne304() {
        Map<String, String> before = StateSnapshot.of(root);

        UpdateResult result = updater().update();

        assertEquals("unchanged: not modified since the installed copy (HTTP 304)", result.describe());
        assertEquals(List.of(new TestHttpServer.Request("/policy.json", "\"day1\"", null)), server.requests());
        assertEquals(before, StateSnapshot.of(root));
    }

    @Test
    void theSameBytesWithoutValidatorsAreUnchangedToo() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.ok(installed.list()));
        new FetchStateFile(root).clear();

        UpdateResult result = updater().update();

        assertEquals("unchanged: the source serves the list already installed", result.describe());
    }

    @Test
    void notFound() {
        server.serve("/policy.json", TestHttpServer.Response.status(404));
        refusedLeavingStateAlone(updater(), RefusalReason.DOWNLOAD, "/policy.json: HTTP 404");
    }

    @Test
    void serverError() {
        server.serve("/policy.json", TestHttpServer.Response.status(500));
        refusedLeavingStateAlone(updater(), RefusalReason.DOWNLOAD, "/policy.json: HTTP 500");
    }

    @Test
    void connectionRefused() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + "/policy.json");
        refusedLeavingStateAlone(updater(ListSource.url(nowhere)), RefusalReason.DOWNLOAD, "cannot connect");
    }

    @Test
    void serverStallingMidBody() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(out -> {
            out.write(RawHttpServer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n{\"version\": "));
            out.flush();
            RawHttpServer.holdOpen();
        })) {
            ListUpdater updater = new ListUpdater(ListSource.url(raw.uri("/policy.json"), server.uri("/policy.json.asc")),
                    impatientDownloader, new ListVerifier(KEY.keyring()), state, clock);
            refusedLeavingStateAlone(updater, RefusalReason.DOWNLOAD, "read timeout");
        }
    }

    @Test
    void truncatedBody() throws Exception {
        TestLists.Signed next = day2();
        try (RawHttpServer raw = new RawHttpServer(out -> {
            out.write(RawHttpServer.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + next.list().length + "\r\n\r\n"));
            out.write(next.list(), 0, next.list().length / 2);
        })) {
            refusedLeavingStateAlone(updater(ListSource.url(raw.uri("/policy.json"), server.uri("/policy.json.asc"))),
                    RefusalReason.DOWNLOAD, "truncated");
        }
    }

    @Test
    void bodyOverTheSizeLimit() {
        byte[] big = ListJson.list(DAY2, EXPIRES).enforce("a.example", "x".repeat(60) + ".example").bytes();
        byte[] padded = new byte[4097];
        System.arraycopy(big, 0, padded, 0, big.length);
        java.util.Arrays.fill(padded, big.length, padded.length, (byte) ' ');
        serve(TestLists.signed(KEY, DAY2, padded), "\"big\"");

        refusedLeavingStateAlone(updater(), RefusalReason.DOWNLOAD, "over the limit of 4096 bytes");
    }

    @Test
    void listWhoseSignatureDoesNotVerify() {
        TestLists.Signed next = day2();
        byte[] tampered = new String(next.list(), StandardCharsets.UTF_8)
                .replace("mx.c.example", "mx.evil.example").getBytes(StandardCharsets.UTF_8);
        serve(new TestLists.Signed(tampered, next.signature()), "\"tampered\"");

        refusedLeavingStateAlone(updater(), RefusalReason.SIGNATURE, "signature check failed");
    }

    @Test
    void signatureByAnotherKey() {
        serve(TestLists.signed(TestKeys.other(), DAY2, day2().list()), "\"other\"");

        refusedLeavingStateAlone(updater(), RefusalReason.SIGNATURE, "signature check failed");
    }

    @Test
    void expiredList() {
        Instant expired = DAY2.plus(Duration.ofMinutes(30));
        serve(TestLists.signed(KEY, DAY2, ListJson.list(DAY2, expired).enforce("a.example", "mx.a.example").bytes()),
                "\"expired\"");

        UpdateResult.Refused refused = refusedLeavingStateAlone(updater(), RefusalReason.EXPIRED, "the list expired at");
        assertTrue(refused.message().contains(expired.toString()), refused.message());
    }

    @Test
    void listOlderThanTheInstalledOne() {
        TestLists.Signed older = TestLists.signed(KEY, DAY1.minus(Duration.ofDays(1)),
                ListJson.list(DAY1.minus(Duration.ofDays(1)), EXPIRES).enforce("a.example", "mx.a.example").bytes());
        serve(older, "\"older\"");

        refusedLeavingStateAlone(updater(), RefusalReason.ROLLBACK, "rollback refused");
    }

    @Test
    void anOlderListIsRefusedEvenWhenTheInstalledCopyIsDamaged() throws IOException {
        installNewer(day2());
        // The installed copy loses a byte: it no longer verifies, and no daemon holds it in memory.
        Path installedList = root.resolve(StateDirectory.CURRENT_LINK).resolve(StateDirectory.LIST_FILE);
        byte[] bytes = java.nio.file.Files.readAllBytes(installedList);
        bytes[bytes.length / 2] ^= 1;
        java.nio.file.Files.write(installedList, bytes);
        serve(installed, "\"day1-again\""); // day 1's list: validly signed, but older than day 2's

        UpdateResult.Refused refused = refusedLeavingStateAlone(updater(), RefusalReason.ROLLBACK, "rollback refused");
        assertTrue(refused.message().contains("the newest list installed in"), refused.message());
    }

    @Test
    void theRollbackRecordOnlyRises() throws IOException {
        installNewer(day2());
        RollbackFloor.Times afterDay2 = new RollbackFloor(root).read().orElseThrow();

        assertEquals(DAY2.plusSeconds(60), afterDay2.signedAt());
        assertEquals(DAY2, afterDay2.timestamp());
    }

    @Test
    void anUnreadableRollbackRecordIsNoFloorAtAll() throws IOException {
        java.nio.file.Files.writeString(root.resolve(RollbackFloor.FILE_NAME), "signed-at=yesterday\ntimestamp=?\n");
        serve(day2(), "\"day2\"");

        assertInstanceOf(UpdateResult.Installed.class, updater().update());
        assertEquals(DAY2, new RollbackFloor(root).read().orElseThrow().timestamp());
    }

    private void installNewer(TestLists.Signed pair) {
        serve(pair, "\"newer\"");
        assertInstanceOf(UpdateResult.Installed.class, updater().update());
        server.requests().clear();
    }

    @Test
    void aListStampedFarInTheFutureIsRefusedSoItCannotBlockLaterLists() {
        Instant future = clock.instant().plus(Duration.ofDays(3));
        serve(TestLists.signed(KEY, DAY2, ListJson.list(future, future.plus(Duration.ofDays(14)))
                .enforce("a.example", "mx.a.example").bytes()), "\"future\"");

        refusedLeavingStateAlone(updater(), RefusalReason.FORMAT, "more than a day ahead of this machine's clock");
    }

    @Test
    void malformedJson() {
        serve(TestLists.signed(KEY, DAY2, "{\"version\": \"0.1\", \"policies\": {".getBytes(StandardCharsets.UTF_8)),
                "\"broken\"");

        refusedLeavingStateAlone(updater(), RefusalReason.FORMAT, "invalid list");
    }

    @Test
    void missingSignatureFile() {
        server.serve("/policy.json", TestHttpServer.Response.ok(day2().list(), "\"day2\""))
                .serve("/policy.json.asc", TestHttpServer.Response.status(404));

        refusedLeavingStateAlone(updater(), RefusalReason.DOWNLOAD, "/policy.json.asc: HTTP 404");
    }

    @Test
    void signatureUrlReturningHtml() {
        byte[] page = "<!DOCTYPE html>\n<html><body>Please log in</body></html>".getBytes(StandardCharsets.UTF_8);
        server.serve("/policy.json", TestHttpServer.Response.ok(day2().list(), "\"day2\""))
                .serve("/policy.json.asc", new TestHttpServer.Response(200, Map.of("Content-Type", "text/html"), page));

        refusedLeavingStateAlone(updater(), RefusalReason.SIGNATURE, "returned an HTML page, not an OpenPGP signature");
    }

    @Test
    void aRefusedListIsFetchedInFullNextTime() {
        serve(TestLists.signed(TestKeys.other(), DAY2, day2().list()), "\"day2\"");
        updater().update();
        TestLists.Signed next = day2();
        serve(next, "\"day2\"");

        UpdateResult result = updater().update();

        assertInstanceOf(UpdateResult.Installed.class, result);
        // The refused copy's ETag was never recorded, so the request after it was conditional on day 1's.
        assertEquals("\"day1\"", server.requests().get(2).ifNoneMatch());
    }

    @Test
    void localFilesAreASource(@TempDir Path source) {
        TestLists.Signed next = day2();
        Path list = next.writeTo(source, "policy.json");

        UpdateResult result = updater(ListSource.files(list)).update();

        assertInstanceOf(UpdateResult.Installed.class, result);
        assertEquals(Validators.NONE, new FetchStateFile(root).read(server.uri("/policy.json")));
    }

    @Test
    void missingLocalSignatureFile(@TempDir Path source) throws IOException {
        Path list = source.resolve("policy.json");
        java.nio.file.Files.write(list, day2().list());

        refusedLeavingStateAlone(updater(ListSource.files(list)), RefusalReason.DOWNLOAD, "policy.json.asc: no such file");
    }

    @Test
    void theEmbeddedSourceHasNothingToFetch() {
        UpdateResult result = updater(ListSource.embedded()).update();

        assertNull(assertInstanceOf(UpdateResult.Unchanged.class, result).installed());
    }
}
