package org.starttls.policyd.server.check;

import java.util.Objects;
import org.starttls.policyd.core.sts.StsPolicy;

/**
 * What the domain's MTA-STS looked like from outside, fetched with the daemon's own sources.
 *
 * @param state what was found
 * @param policy the valid policy, or null without one
 * @param detail one sentence for the operator
 */
public record StsFinding(State state, StsPolicy policy, String detail) {
    /** The kinds of finding. */
    public enum State {
        /** No {@code _mta-sts} record: the domain does not publish MTA-STS. */
        NOT_PUBLISHED("not-published"),
        /** A record and a valid policy (its own mode says enforce, testing or none). */
        POLICY("policy"),
        /** A record (or several, or a broken one), but no valid policy to go with it. */
        BROKEN("broken"),
        /** DNS did not answer for {@code _mta-sts}: nothing is known. */
        DNS_FAILED("dns-failed");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public StsFinding {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        if ((state == State.POLICY) != (policy != null)) {
            throw new IllegalArgumentException("a policy comes with state POLICY, and only with it");
        }
    }
}
