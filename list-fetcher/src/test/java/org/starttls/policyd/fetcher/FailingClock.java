package org.starttls.policyd.fetcher;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that throws a given {@link Throwable} on its next reading, once: the one seam through
 * which a test can make an update run, or the health recorder, die of an {@link Error} the way a
 * hostile input once made them.
 */
final class FailingClock extends Clock {
    private final Clock delegate;
    private final AtomicReference<Throwable> armed = new AtomicReference<>();

    FailingClock(Clock delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The next {@link #instant()} throws {@code failure}; later readings are normal again. */
    void failNextReadingWith(Throwable failure) {
        armed.set(failure);
    }

    @Override
    public Instant instant() {
        Throwable failure = armed.getAndSet(null);
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        return delegate.instant();
    }

    @Override
    public ZoneId getZone() {
        return delegate.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("fixed zone");
    }
}
