package org.starttls.policyd.server.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the daemon is fit to protect mail, for {@code /health}: unhealthy (503) when a door is
 * not accepting connections or the list the operator relies on is in trouble (none verified,
 * expired, stale, updates failing); healthy (200) otherwise, with warnings for what protects less
 * than it could but is no less safe than the settings chosen: DANE on with a resolver that does
 * not validate (answers are then as without DANE), and the expired embedded list when no list
 * source is configured while MTA-STS answers (a fresh install: MTA-STS protects, the list adds
 * nothing).
 *
 * @param healthy true when there is no reason for a 503
 * @param reasons why it is unhealthy, sentences for an operator; empty when healthy
 * @param warnings what to improve, healthy or not; sentences for an operator
 */
public record Health(boolean healthy, List<String> reasons, List<String> warnings) {
    /** Explains, after the embedded list's warnings, why they do not make the daemon unhealthy. */
    static final String MTA_STS_PROTECTS = "no list source is configured (list.url or list.file) and the embedded list "
            + "adds nothing; MTA-STS protects every domain that publishes a policy";
    /** How an operator gets DANE, after the resolver's problem. */
    static final String HOW_TO_GET_DANE = "answers are as without DANE; for DANE, run a validating resolver on "
            + "loopback (e.g. unbound) and set dns.resolver to it (see docs/dane.md)";

    public Health {
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }

    public static Health of(DaemonSnapshot snapshot) {
        List<String> reasons = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (DaemonSnapshot.DoorState door : snapshot.doors()) {
            if (!door.open()) {
                reasons.add("door " + door.name() + " is not accepting connections");
            }
        }
        List<String> listWarnings = snapshot.listStatus().warnings();
        if (snapshot.listIsAdvisory() && !listWarnings.isEmpty()) {
            warnings.addAll(listWarnings);
            warnings.add(MTA_STS_PROTECTS);
        } else {
            reasons.addAll(listWarnings);
        }
        if (snapshot.daneProblem() != null) {
            warnings.add(daneWarning(snapshot.daneProblem()));
        }
        return new Health(reasons.isEmpty(), reasons, warnings);
    }

    /** The one sentence for a DANE resolver that does not validate: in /health, the log and status. */
    public static String daneWarning(String problem) {
        return "DANE does not apply: " + problem + "; " + HOW_TO_GET_DANE;
    }

    /**
     * The response body: {@code ok} or {@code unhealthy} and one reason per line, then one
     * {@code warning: } line per warning.
     */
    public String body() {
        StringBuilder body = new StringBuilder(healthy ? "ok\n" : "unhealthy\n");
        reasons.forEach(reason -> body.append(reason).append('\n'));
        warnings.forEach(warning -> body.append("warning: ").append(warning).append('\n'));
        return body.toString();
    }
}
