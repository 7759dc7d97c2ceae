package org.starttls.policyd.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.ListStatus;

/** The metrics endpoint over real HTTP on loopback: a failure while rendering costs one 500, nothing more. */
class MetricsServerTest {
    private static final ListStatus HEALTHY = new ListStatus("file", false, null, null, false, null, null, null, 0,
            List.of());

    private static int get(MetricsServer server, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anErrorWhileRenderingIsA500AndTheServingThreadLivesOn() throws Exception {
        AtomicReference<Throwable> nextFailure = new AtomicReference<>();
        List<Thread> servingThreads = new ArrayList<>();
        Supplier<DaemonSnapshot> snapshot = () -> {
            servingThreads.add(Thread.currentThread());
            Throwable failure = nextFailure.getAndSet(null);
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            return new DaemonSnapshot(Instant.EPOCH, null, HEALTHY, 0, List.of());
        };
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new AnswerMeters(), snapshot)) {
            nextFailure.set(new OutOfMemoryError("Java heap space"));
            assertEquals(500, get(server, "/metrics"));
            nextFailure.set(new StackOverflowError());
            assertEquals(500, get(server, "/health"));

            assertEquals(200, get(server, "/metrics"));
            assertEquals(200, get(server, "/health"));
            assertEquals(4, servingThreads.size());
            for (Thread thread : servingThreads) {
                assertSame(servingThreads.get(0), thread, "the one metrics thread serves every request");
            }
        }
    }
}
