package org.starttls.policyd.server.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.starttls.policyd.fetcher.dane.DaneEvents;

/** DANE resolver counters for {@code /metrics}; DANE answers themselves are counted by source. */
public final class DaneMeters implements DaneEvents {
    private final LongAdder failures = new LongAdder();
    private final LongAdder staleAnswers = new LongAdder();
    private final LongAdder validationFailures = new LongAdder();

    @Override
    public void lookupFailed() {
        failures.increment();
    }

    @Override
    public void cachedServedOnFailure() {
        staleAnswers.increment();
    }

    @Override
    public void validationCheckFailed() {
        validationFailures.increment();
    }

    public long failures() {
        return failures.sum();
    }

    public long staleAnswers() {
        return staleAnswers.sum();
    }

    public long validationFailures() {
        return validationFailures.sum();
    }
}
