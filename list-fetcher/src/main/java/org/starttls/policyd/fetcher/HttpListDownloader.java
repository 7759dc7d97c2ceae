package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one file over HTTP(S) within {@link FetchSettings}: a connect timeout, a read timeout
 * (the server may not go quiet for longer), a total deadline, a size limit enforced while the body
 * streams in, a bounded number of redirects (followed here, so each hop is checked and logged),
 * and conditional requests. Plain HTTP is allowed: the signature, not the transport, is trusted.
 *
 * <p>Each {@link #get} builds its own {@link HttpClient}. A client is only as good as its
 * selector thread and executor, and an {@link Error} anywhere in the process (an
 * {@link OutOfMemoryError} thrown on the client's thread while something else filled the heap)
 * kills them for good: a shared client then fails every later download until restart, and
 * nothing outside it can tell a dead client from a dead server. Downloads are rare (two per
 * refresh, hours apart), so a fresh client costs one short-lived thread each time and no state
 * carries from one download to the next; a client that is no longer referenced stops its own
 * threads.
 */
public final class HttpListDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListDownloader.class);

    private final FetchSettings settings;

    public HttpListDownloader(FetchSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public FetchSettings settings() {
        return settings;
    }

    /**
     * Fetches {@code uri}, accepting at most {@code maxBytes} of body. With non-empty
     * {@code validators} the request is conditional and may come back {@link Download.NotModified}.
     */
    public Download get(URI uri, long maxBytes, Validators validators) throws DownloadException {
        long deadline = System.nanoTime() + settings.totalTimeout().toNanos();
        HttpClient client = newClient();
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpResponse<byte[]> response = exchange(client, current, maxBytes, validators, deadline);
            int status = response.statusCode();
            if (status == 200) {
                return new Download.Fetched(current, response.body(),
                        response.headers().firstValue("Content-Type").orElse(null),
                        new Validators(response.headers().firstValue("ETag").orElse(null),
                                response.headers().firstValue("Last-Modified").orElse(null)));
            }
            if (status == 304 && !validators.isEmpty()) {
                return new Download.NotModified(current);
            }
            if (isRedirect(status)) {
                if (hop >= settings.maxRedirects()) {
                    throw new DownloadException(uri + ": more than " + settings.maxRedirects() + " redirects");
                }
                URI next = redirectTarget(current, response);
                LOG.info("{} redirects ({}) to {}", current, status, next);
                current = next;
                continue;
            }
            throw new DownloadException(current + ": HTTP " + status + " (expected 200)");
        }
    }

    private HttpResponse<byte[]> exchange(HttpClient client, URI uri, long maxBytes, Validators validators,
            long deadline) throws DownloadException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                .timeout(settings.readTimeout())
                .header("Accept", "*/*");
        if (validators.etag() != null) {
            request.header("If-None-Match", validators.etag());
        }
        if (validators.lastModified() != null) {
            request.header("If-Modified-Since", validators.lastModified());
        }
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicReference<BoundedBodySubscriber> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> future;
        try {
            future = send(client, request.build(), maxBytes, lastProgress, body);
        } catch (RuntimeException e) {
            // The client refused the request (its executor is gone): a failed download, not a bug.
            throw new DownloadException(uri + ": the HTTP client failed: " + e, e);
        }
        try {
            return await(uri, future, lastProgress, deadline);
        } catch (DownloadException e) {
            BoundedBodySubscriber subscriber = body.get();
            if (subscriber != null) {
                subscriber.abort(new IOException(e.getMessage()));
            }
            future.cancel(true);
            throw e;
        }
    }

    private static CompletableFuture<HttpResponse<byte[]>> send(HttpClient client, HttpRequest request, long maxBytes,
            AtomicLong lastProgress, AtomicReference<BoundedBodySubscriber> body) {
        return client.sendAsync(request, info -> {
            lastProgress.set(System.nanoTime());
            if (info.statusCode() != 200) {
                // Error pages and redirects are not read: nothing in them is used.
                return HttpResponse.BodySubscribers.replacing(new byte[0]);
            }
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            BoundedBodySubscriber subscriber = new BoundedBodySubscriber(maxBytes, declared, lastProgress);
            body.set(subscriber);
            return subscriber;
        });
    }

    /** Waits for the response while the server keeps making progress and the deadline allows. */
    private HttpResponse<byte[]> await(URI uri, CompletableFuture<HttpResponse<byte[]>> future,
            AtomicLong lastProgress, long deadline) throws DownloadException {
        long readTimeout = settings.readTimeout().toNanos();
        while (true) {
            long now = System.nanoTime();
            long idleLeft = lastProgress.get() + readTimeout - now;
            long totalLeft = deadline - now;
            if (totalLeft <= 0) {
                throw new DownloadException(uri + ": not complete within " + settings.totalTimeout().toSeconds()
                        + " s (total timeout)");
            }
            if (idleLeft <= 0) {
                throw new DownloadException(uri + ": the server sent nothing for "
                        + settings.readTimeout().toMillis() + " ms (read timeout)");
            }
            try {
                return future.get(Math.min(idleLeft, totalLeft), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // Not yet: loop to see whether data arrived meanwhile or a limit has passed.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadException(uri + ": interrupted", e);
            } catch (ExecutionException e) {
                throw new DownloadException(uri + ": " + describe(e.getCause()), e.getCause());
            }
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof BoundedBodySubscriber.TooLargeException) {
            return cause.getMessage();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "no response in time (read timeout)";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect: " + (cause.getMessage() == null ? "connection refused" : cause.getMessage());
        }
        if (cause instanceof IOException) {
            // EOF before Content-Length or the last chunk: the body is truncated.
            return "transfer failed (connection closed or truncated body): " + cause.getMessage();
        }
        return "transfer failed: " + cause;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirectTarget(URI from, HttpResponse<?> response) throws DownloadException {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new DownloadException(from + ": redirect " + response.statusCode()
                        + " without a Location header"));
        URI next;
        try {
            next = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new DownloadException(from + ": redirect to an invalid location: " + location, e);
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new DownloadException(from + ": redirect to a non-HTTP location: " + location);
        }
        return next;
    }
}
