package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpListDownloaderTest {
    private static final long LIMIT_BYTES = 1000;
    /** Short, so the stall tests end quickly; the total timeout is far longer to tell them apart. */
    private static final Duration READ_TIMEOUT = Duration.ofMillis(1500);

    private final HttpListDownloader downloader = new HttpListDownloader(FetchSettings.DEFAULTS
            .withTimeouts(Duration.ofSeconds(5), READ_TIMEOUT, Duration.ofSeconds(30)));
    private TestHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new TestHttpServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static byte[] bytes(int length) {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    @Test
    void fetchesTheBodyAndItsValidators() throws Exception {
        server.serve("/policy.json", new TestHttpServer.Response(200,
                Map.of("ETag", "\"v1\"", "Last-Modified", "Wed, 20 May 2020 17:25:13 GMT", "Content-Type", "application/json"),
                bytes(10)));

        Download.Fetched fetched = assertInstanceOf(Download.Fetched.class,
                downloader.get(server.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));

        assertArrayEquals(bytes(10), fetched.body());
        assertEquals(new Validators("\"v1\"", "Wed, 20 May 2020 17:25:13 GMT"), fetched.validators());
        assertEquals("application/json", fetched.contentType());
    }

    @Test
    void conditionalRequestForAnUnchangedListCostsOne304() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.ok(bytes(10), "\"v1\""));

        Download download = downloader.get(server.uri("/policy.json"), LIMIT_BYTES,
                new Validators("\"v1\"", "Wed, 20 May 2020 17:25:13 GMT"));

        assertInstanceOf(Download.NotModified.class, download);
        assertEquals(1, server.requests().size());
        assertEquals("\"v1\"", server.requests().get(0).ifNoneMatch());
        assertEquals("Wed, 20 May 2020 17:25:13 GMT", server.requests().get(0).ifModifiedSince());
    }

    @Test
    void staleValidatorsGetTheNewBody() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.ok(bytes(12), "\"v2\""));

        Download download = downloader.get(server.uri("/policy.json"), LIMIT_BYTES, new Validators("\"v1\"", null));

        assertEquals("\"v2\"", assertInstanceOf(Download.Fetched.class, download).validators().etag());
    }

    @Test
    void unsolicited304IsAnError() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.status(304));

        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(server.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
        assertTrue(e.getMessage().contains("HTTP 304"), e.getMessage());
    }

    @Test
    void notFoundIsNamed() {
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(server.uri("/missing.json"), LIMIT_BYTES, Validators.NONE));
        assertEquals(server.uri("/missing.json") + ": HTTP 404 (expected 200)", e.getMessage());
    }

    @Test
    void serverErrorIsNamed() {
        server.serve("/policy.json", TestHttpServer.Response.status(500));

        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(server.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
        assertTrue(e.getMessage().endsWith("HTTP 500 (expected 200)"), e.getMessage());
    }

    @Test
    void connectionRefusedIsNamed() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(URI.create("http://127.0.0.1:" + port + "/policy.json"), LIMIT_BYTES,
                        Validators.NONE));
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void bodyAtTheLimitIsAccepted() throws Exception {
        server.serve("/policy.json", TestHttpServer.Response.ok(bytes((int) LIMIT_BYTES)));

        Download download = downloader.get(server.uri("/policy.json"), LIMIT_BYTES, Validators.NONE);

        assertEquals(LIMIT_BYTES, ((Download.Fetched) download).body().length);
    }

    @Test
    void declaredBodyOverTheLimitIsRefused() {
        server.serve("/policy.json", TestHttpServer.Response.ok(bytes((int) LIMIT_BYTES + 1)));

        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(server.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
        assertTrue(e.getMessage().contains("declared 1001 bytes, over the limit of 1000 bytes"), e.getMessage());
    }

    @Test
    void chunkedBodyOverTheLimitIsCutOffWhileStreaming() throws Exception {
        // No Content-Length, and a body that never ends: only the streaming check can stop it.
        try (RawHttpServer raw = new RawHttpServer(out -> {
            out.write(RawHttpServer.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            byte[] chunk = RawHttpServer.ascii("100\r\n" + "y".repeat(256) + "\r\n");
            while (true) {
                out.write(chunk);
                out.flush();
            }
        })) {
            DownloadException e = assertThrows(DownloadException.class,
                    () -> downloader.get(raw.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
            assertTrue(e.getMessage().contains("over the limit of 1000 bytes"), e.getMessage());
        }
    }

    @Test
    void serverStallingMidBodyHitsTheReadTimeout() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(out -> {
            out.write(RawHttpServer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + "z".repeat(100)));
            out.flush();
            RawHttpServer.holdOpen();
        })) {
            long start = System.nanoTime();
            DownloadException e = assertThrows(DownloadException.class,
                    () -> downloader.get(raw.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(e.getMessage().contains("read timeout"), e.getMessage());
            // A hang guard below the 30 s total deadline, not a timing window: the message says which limit hit.
            assertTrue(took.compareTo(Duration.ofSeconds(25)) < 0, "took " + took);
        }
    }

    @Test
    void serverThatNeverAnswersHitsTheReadTimeout() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(out -> RawHttpServer.holdOpen())) {
            DownloadException e = assertThrows(DownloadException.class,
                    () -> downloader.get(raw.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
            assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        }
    }

    @Test
    void truncatedBodyIsRefused() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(out -> {
            out.write(RawHttpServer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + "z".repeat(100)));
            out.flush();
            // Returning closes the connection 400 bytes short.
        })) {
            DownloadException e = assertThrows(DownloadException.class,
                    () -> downloader.get(raw.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void truncatedChunkedBodyIsRefused() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(out -> {
            out.write(RawHttpServer.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n"));
            out.flush();
        })) {
            assertThrows(DownloadException.class,
                    () -> downloader.get(raw.uri("/policy.json"), LIMIT_BYTES, Validators.NONE));
        }
    }

    @Test
    void followsABoundedNumberOfRedirects() throws Exception {
        server.serve("/a", TestHttpServer.Response.redirect("/b"))
                .serve("/b", TestHttpServer.Response.redirect(server.uri("/policy.json").toString()))
                .serve("/policy.json", TestHttpServer.Response.ok(bytes(5)));

        Download download = downloader.get(server.uri("/a"), LIMIT_BYTES, Validators.NONE);

        assertEquals(server.uri("/policy.json"), download.finalUri());
    }

    @Test
    void redirectLoopIsCutOff() {
        server.serve("/a", TestHttpServer.Response.redirect("/b")).serve("/b", TestHttpServer.Response.redirect("/a"));

        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(server.uri("/a"), LIMIT_BYTES, Validators.NONE));
        assertTrue(e.getMessage().contains("more than 3 redirects"), e.getMessage());
        assertEquals(4, server.requests().size());
    }

    @Test
    void redirectToAnotherSchemeIsRefused() {
        server.serve("/a", TestHttpServer.Response.redirect("file:///etc/passwd"));

        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.get(server.uri("/a"), LIMIT_BYTES, Validators.NONE));
        assertTrue(e.getMessage().contains("non-HTTP location"), e.getMessage());
    }
}
