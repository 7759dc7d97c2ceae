package org.starttls.policyd.core.engine;

import java.util.Objects;

/**
 * What MTA-STS knows about a destination when the engine decides, in the engine's own terms (the
 * resolver's outcomes are translated into these by the daemon). Only {@link Policy} can decide by
 * itself; with anything else the preload list answers when it names the domain (first-contact
 * protection), and a domain that is not listed gets no policy, except while a policy the domain
 * promised is still being fetched ({@link Pending} with its TXT record seen): then the MTA is told
 * to try again.
 */
public sealed interface StsEvidence {

    /** MTA-STS was not consulted (switched off, or a caller that only asks the list). */
    StsEvidence NOT_CONSULTED = new Absent("MTA-STS is not consulted");

    /** A valid policy, fresh or cached, in any mode: it takes precedence over the list. */
    record Policy(StsBasis basis, String how) implements StsEvidence {
        public Policy {
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(how, "how");
        }
    }

    /** The domain publishes no usable MTA-STS record (DNS answered), or MTA-STS is off. */
    record Absent(String why) implements StsEvidence {
        public Absent {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * No policy could be had and none is cached: DNS failed, or the policy host failed.
     *
     * @param recordSeen whether a valid TXT record said the domain has MTA-STS
     */
    record Failed(String why, boolean recordSeen) implements StsEvidence {
        public Failed {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * The resolution was still running when the door's wait ran out (first contact).
     *
     * @param recordSeen whether a valid TXT record was already seen
     */
    record Pending(String why, boolean recordSeen) implements StsEvidence {
        public Pending {
            Objects.requireNonNull(why, "why");
        }
    }
}
