package org.starttls.policyd.server.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the daemon is fit to protect mail: its list is healthy (verified, current, updating) and
 * every door accepts connections. Unhealthy carries the reasons, for the 503 body.
 *
 * @param healthy true when there is no reason to worry
 * @param reasons sentences for an operator; empty when healthy
 */
public record Health(boolean healthy, List<String> reasons) {
    public Health {
        reasons = List.copyOf(reasons);
    }

    public static Health of(DaemonSnapshot snapshot) {
        List<String> reasons = new ArrayList<>();
        for (DaemonSnapshot.DoorState door : snapshot.doors()) {
            if (!door.open()) {
                reasons.add("door " + door.name() + " is not accepting connections");
            }
        }
        reasons.addAll(snapshot.listStatus().warnings());
        if (snapshot.daneProblem() != null) {
            reasons.add("DANE does not apply: " + snapshot.daneProblem());
        }
        return new Health(reasons.isEmpty(), reasons);
    }

    /** The response body: {@code ok}, or {@code unhealthy} and one reason per line. */
    public String body() {
        return healthy ? "ok\n" : "unhealthy\n" + String.join("\n", reasons) + "\n";
    }
}
