package org.starttls.policyd.server.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.fetcher.ListStatus;

/**
 * What the metrics and health endpoints report about the daemon, read at one moment.
 *
 * @param now the daemon's clock
 * @param active the list the engine answers from (null before one is loaded)
 * @param listStatus the list keeper's view: warnings, update attempts
 * @param totalUpdateFailures refused update attempts since the list source was (re)configured
 * @param doors each door's name and whether it is accepting connections
 * @param daneProblem why DANE does not apply (its resolver does not validate), or null
 * @param overrides the local overrides loaded (expired ones included)
 * @param overridesExpiring of those, the ones that stop applying within a week
 * @param listIsAdvisory true when the list's warnings are advice, not trouble: no list source is
 *     configured, the embedded default answers, and live MTA-STS is on (see {@link Health})
 */
public record DaemonSnapshot(Instant now, VerifiedList active, ListStatus listStatus, long totalUpdateFailures,
        List<DoorState> doors, String daneProblem, int overrides, int overridesExpiring, boolean listIsAdvisory) {

    public DaemonSnapshot(Instant now, VerifiedList active, ListStatus listStatus, long totalUpdateFailures,
            List<DoorState> doors, String daneProblem) {
        this(now, active, listStatus, totalUpdateFailures, doors, daneProblem, 0, 0, false);
    }

    public DaemonSnapshot(Instant now, VerifiedList active, ListStatus listStatus, long totalUpdateFailures,
            List<DoorState> doors) {
        this(now, active, listStatus, totalUpdateFailures, doors, null);
    }

    /** One listening door. */
    public record DoorState(String name, boolean open) {
    }

    public DaemonSnapshot {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(listStatus, "listStatus");
        doors = List.copyOf(doors);
    }
}
