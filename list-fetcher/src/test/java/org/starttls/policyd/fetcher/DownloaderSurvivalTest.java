package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.HostileSignatures;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestLists;

/**
 * What one bad download, or an {@link Error} that killed the HTTP client's threads, leaves behind:
 * nothing. The next download and the next update in the same process succeed.
 */
class DownloaderSurvivalTest {
    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)));
    private final HttpListDownloader downloader = new HttpListDownloader(FetchSettings.DEFAULTS
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30)));
    private TestHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new TestHttpServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** The selector threads of the JDK's HTTP clients in this process; each client has one. */
    private static List<Thread> httpClientSelectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
                .toList();
    }

    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void aDownloadAfterAnErrorKilledTheClientsThreadsSucceeds() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
        server.serve("/policy.json", TestHttpServer.Response.ok(body));
        downloader.get(server.uri("/policy.json"), 1000, Validators.NONE);

        // What an OutOfMemoryError on the client's own thread did: the thread is gone.
        for (Thread selector : httpClientSelectorThreads()) {
            selector.stop();
            selector.join(10_000);
            assertFalse(selector.isAlive());
        }

        Download.Fetched fetched = assertInstanceOf(Download.Fetched.class,
                downloader.get(server.uri("/policy.json"), 1000, Validators.NONE));
        assertArrayEquals(body, fetched.body());
    }

    @Test
    void aGoodUpdateFollowsAHostileOneInTheSameProcess() throws Exception {
        TestLists.Signed day1 = ListUpdaterTest.day1();
        new StateDirectory(root).install(day1.list(), day1.signature());
        ListUpdater updater = new ListUpdater(ListSource.url(server.uri("/policy.json"), server.uri("/policy.json.sig")),
                downloader, new ListVerifier(ListUpdaterTest.KEY.keyring()), new StateDirectory(root), clock);
        TestLists.Signed day2 = ListUpdaterTest.day2();
        server.serve("/policy.json", TestHttpServer.Response.ok(day2.list()));

        for (byte[] hostile : List.of(HostileSignatures.bomb(3_000_000),
                HostileSignatures.nested(day2.signature(), 5_000))) {
            server.serve("/policy.json.sig", TestHttpServer.Response.ok(hostile));
            UpdateResult.Refused refused = assertInstanceOf(UpdateResult.Refused.class, updater.update());
            assertEquals(RefusalReason.SIGNATURE, refused.reason(), refused.message());
        }

        server.serve("/policy.json.sig", TestHttpServer.Response.ok(day2.signature()));
        UpdateResult.Installed installed = assertInstanceOf(UpdateResult.Installed.class, updater.update());
        assertEquals(ListUpdaterTest.DAY2, installed.list().list().timestamp());
    }
}
