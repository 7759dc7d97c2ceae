package org.starttls.policyd.server.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's answer counters, one {@link DoorMeter} per door name. Kept for the daemon's life:
 * a reload replaces a door's handlers but not its meter, so counters never go backwards.
 */
public final class AnswerMeters {
    private final ConcurrentHashMap<String, DoorMeter> doors = new ConcurrentHashMap<>();
    private final StsMeters sts = new StsMeters();
    private final DaneMeters dane = new DaneMeters();

    /** The DANE resolver's counters. */
    public DaneMeters dane() {
        return dane;
    }

    /** The MTA-STS resolver's counters (the resolver reports to them as its {@code StsEvents}). */
    public StsMeters sts() {
        return sts;
    }

    /** The meter of {@code door}, created on first use. */
    public DoorMeter door(String door) {
        return doors.computeIfAbsent(door, DoorMeter::new);
    }

    /** Every door's meter, by name. */
    public List<DoorMeter> all() {
        List<DoorMeter> list = new ArrayList<>(doors.values());
        list.sort(Comparator.comparing(DoorMeter::door));
        return list;
    }
}
