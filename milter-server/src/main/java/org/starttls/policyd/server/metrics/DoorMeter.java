package org.starttls.policyd.server.metrics;

import java.util.EnumMap;
import org.starttls.policyd.core.engine.DecisionSource;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** One door's answers by kind, and its latency histogram. */
public final class DoorMeter implements AnswerRecorder {
    /** Answer kinds are few and fixed by the code; this bounds a mistake that would mint new ones. */
    static final int MAX_ANSWER_KINDS = 64;
    static final String OTHER = "other";

    private final String door;
    private final ConcurrentHashMap<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final Map<DecisionSource, LongAdder> sources = new EnumMap<>(DecisionSource.class);

    DoorMeter(String door) {
        this.door = door;
        for (DecisionSource source : DecisionSource.values()) {
            sources.put(source, new LongAdder());
        }
    }

    @Override
    public void decidedBy(DecisionSource source) {
        sources.get(source).increment();
    }

    /** Decided answers so far by the source that decided. */
    public Map<DecisionSource, Long> sources() {
        Map<DecisionSource, Long> out = new EnumMap<>(DecisionSource.class);
        sources.forEach((source, counter) -> out.put(source, counter.sum()));
        return out;
    }

    public String door() {
        return door;
    }

    @Override
    public void answered(String answer, long elapsedNanos) {
        counted(answer);
        latency.record(elapsedNanos);
    }

    @Override
    public void counted(String answer) {
        LongAdder counter = answers.get(answer);
        if (counter == null) {
            String kind = answers.size() < MAX_ANSWER_KINDS ? answer : OTHER;
            counter = answers.computeIfAbsent(kind, k -> new LongAdder());
        }
        counter.increment();
    }

    /** Answers so far by kind, sorted by kind. */
    public Map<String, Long> answers() {
        Map<String, Long> out = new TreeMap<>();
        answers.forEach((kind, counter) -> out.put(kind, counter.sum()));
        return out;
    }

    LatencyHistogram latency() {
        return latency;
    }
}
