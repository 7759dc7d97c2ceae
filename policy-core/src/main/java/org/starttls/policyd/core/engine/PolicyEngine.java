package org.starttls.policyd.core.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * Turns a destination domain into a {@link Decision} against the active list. The list is an
 * immutable snapshot swapped atomically by {@link #install}, so a lookup never waits for an update
 * and never sees half of one. Lookups are a normalisation and one hash probe: no locks, no I/O.
 */
public final class PolicyEngine {
    private final Clock clock;
    private final EngineSettings settings;
    private final AtomicReference<VerifiedList> active;

    public PolicyEngine(Clock clock, EngineSettings settings) {
        this(clock, settings, new AtomicReference<>());
    }

    private PolicyEngine(Clock clock, EngineSettings settings, AtomicReference<VerifiedList> active) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.active = active;
    }

    public PolicyEngine(Clock clock, EngineSettings settings, VerifiedList initial) {
        this(clock, settings);
        install(initial);
    }

    /** Makes {@code list} the active one; returns the list it replaced, or null. */
    public VerifiedList install(VerifiedList list) {
        return active.getAndSet(Objects.requireNonNull(list, "list"));
    }

    /** The active list, or null before the first install. */
    public VerifiedList activeList() {
        return active.get();
    }

    public EngineSettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * A view of the same active list with other settings (for named maps): it shares the list
     * slot, so a list installed through either engine is seen by both.
     */
    public PolicyEngine withSettings(EngineSettings other) {
        return new PolicyEngine(clock, other, active);
    }

    public boolean isExpired() {
        VerifiedList list = active.get();
        return list != null && list.list().isExpiredAt(clock.instant());
    }

    /**
     * Decides for a domain as the MTA spells it (any case, trailing dot, U-labels). A string that
     * is not a valid domain name cannot be listed, so it gets no policy.
     */
    public Decision decide(String domainText) {
        String domain;
        try {
            domain = DomainName.normalize(domainText);
        } catch (InvalidNameException e) {
            return Decision.noPolicy(String.valueOf(domainText), null,
                    "not a domain name, so not listed: " + e.getMessage());
        }
        return decideNormalized(domain);
    }

    public Decision decide(DomainName domain) {
        return decideNormalized(domain.asString());
    }

    private Decision decideNormalized(String domain) {
        VerifiedList list = active.get();
        if (list == null) {
            return Decision.tempfail(domain, "no verified list is loaded yet");
        }
        TlsPolicy policy = list.list().lookup(domain);
        if (policy == null) {
            return Decision.noPolicy(domain, null, "not in the list");
        }
        Instant now = clock.instant();
        if (list.list().isExpiredAt(now)) {
            return decideExpired(domain, policy, list);
        }
        return decideByMode(domain, policy);
    }

    private Decision decideExpired(String domain, TlsPolicy policy, VerifiedList list) {
        String expired = "the list expired at " + list.list().expires();
        switch (settings.expiredList()) {
            case KEEP_ENFORCING:
                return decideByMode(domain, policy);
            case TEMPFAIL_LISTED:
                return policy.mode() == PolicyMode.ENFORCE
                                || settings.testingDomains() == TestingDomains.ENFORCE
                        ? Decision.tempfail(domain, expired + " and expired-list is tempfail-listed")
                        : Decision.noPolicy(domain, policy, "listed in testing mode; testing domains are not enforced");
            case ENFORCE_NOTHING:
            default:
                return Decision.noPolicy(domain, policy, expired + "; an expired list enforces nothing");
        }
    }

    private Decision decideByMode(String domain, TlsPolicy policy) {
        if (policy.mode() == PolicyMode.ENFORCE) {
            return Decision.requireTls(domain, policy, "listed in enforce mode");
        }
        if (settings.testingDomains() == TestingDomains.ENFORCE) {
            return Decision.requireTls(domain, policy, "listed in testing mode, enforced by the early-adopter setting");
        }
        return Decision.noPolicy(domain, policy, "listed in testing mode; testing domains are not enforced");
    }
}
