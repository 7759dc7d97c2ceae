package org.starttls.policyd.fetcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects a response body into memory and gives up as soon as it grows past {@code maxBytes}:
 * the limit is enforced while streaming, so a server cannot make us buffer more than the limit
 * whatever it declares. Each arriving chunk records progress, which the downloader uses for its
 * read timeout.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
    /** The body was longer than allowed (declared or as it arrived). */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private final long maxBytes;
    private final AtomicLong lastProgressNanos;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;
    private long received;

    BoundedBodySubscriber(long maxBytes, long declaredLength, AtomicLong lastProgressNanos) {
        this.maxBytes = maxBytes;
        this.lastProgressNanos = lastProgressNanos;
        if (declaredLength > maxBytes) {
            result.completeExceptionally(new TooLargeException("the server declared " + declaredLength
                    + " bytes, over the limit of " + maxBytes + " bytes"));
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        lastProgressNanos.set(System.nanoTime());
        for (ByteBuffer item : items) {
            received += item.remaining();
            if (received > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(new TooLargeException("the body is over the limit of "
                        + maxBytes + " bytes"));
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            buffer.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    /** Stops reading: used when the downloader's deadline passes. */
    void abort(IOException reason) {
        result.completeExceptionally(reason);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
