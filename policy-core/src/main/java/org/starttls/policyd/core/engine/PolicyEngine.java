package org.starttls.policyd.core.engine;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * Turns a destination domain into a {@link Decision} against the active list. The list is an
 * immutable snapshot swapped atomically by {@link #install}, so a lookup never waits for an update
 * and never sees half of one. Lookups are a normalisation and one hash probe: no locks, no I/O.
 * A listed domain's decision is made once per list and kept ({@link ListedDecisions}).
 */
public final class PolicyEngine {
    /** What follows "MTA-STS policy of D (id X, how)" in the reason of a decision by a policy, per mode. */
    private static final String ENFORCE_OUTCOME = " in enforce mode";
    private static final String TESTING_ENFORCED_OUTCOME = " in testing mode, enforced by the early-adopter setting";
    private static final String TESTING_OUTCOME = " in testing mode; testing domains are not enforced";
    private static final String NONE_OUTCOME = " in mode none: the domain withdrew its policy";

    private final Clock clock;
    private final EngineSettings settings;
    private final AtomicReference<VerifiedList> active;
    /** Decisions for the active list's listed domains under these settings; replaced when the list is. */
    private volatile ListedDecisions listedDecisions;

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

    /** Whether the active list has expired, by the same check its decisions make. */
    public boolean isExpired() {
        VerifiedList list = active.get();
        return list != null && list.list().isExpiredAtMillis(clock.millis());
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

    /**
     * Decides with what MTA-STS knows about the domain, in the order override &gt; DANE &gt;
     * MTA-STS &gt; list &gt; none (the first two come with their own sources later):
     *
     * <ul>
     *   <li>A valid MTA-STS policy decides in every mode, over the list: {@code enforce} requires
     *       TLS to its MX patterns; {@code testing} does too only when testing domains are enforced,
     *       else no policy; {@code none} is no policy.
     *   <li>Without one (no record, DNS or fetch failure, nothing cached, MTA-STS off) the list
     *       decides whenever it names the domain, and while no list is loaded its tempfail stands:
     *       a failed MTA-STS resolution never turns a listed domain into "no policy".
     *   <li>Not listed: a resolution still running past the wait for a domain whose TXT record
     *       promised a policy is a tempfail (the MTA retries, by then the policy is cached); anything
     *       else is no policy, as RFC 8461 says for a domain whose policy cannot be had.
     * </ul>
     */
    public Decision decide(String domainText, StsEvidence sts) {
        Objects.requireNonNull(sts, "sts");
        String domain;
        try {
            domain = DomainName.normalize(domainText);
        } catch (InvalidNameException e) {
            return decide(domainText);
        }
        return decideNormalized(domain, sts);
    }

    /** As {@link #decide(String, StsEvidence)} for a name a door has normalised already (once for all its sources). */
    public Decision decide(DomainName domain, StsEvidence sts) {
        return decideNormalized(domain.asString(), Objects.requireNonNull(sts, "sts"));
    }

    /**
     * As {@link #decide(DomainName, StsEvidence)}, for a door's answer: when an MTA-STS policy
     * decides, the domain is not looked up in the list to show beside it ({@link Decision#policy()}
     * is then null), since no answer a door gives shows it. The verdict, source and reason are the
     * same.
     */
    public Decision decideAnswer(DomainName domain, StsEvidence sts) {
        if (sts instanceof StsEvidence.Policy known) {
            return byStsPolicy(domain.asString(), null, known);
        }
        return decide(domain, sts);
    }

    private Decision decideNormalized(String domain, StsEvidence sts) {
        if (sts instanceof StsEvidence.Policy known) {
            // The policy decides alone: the list is only looked up to show beside it, not decided.
            VerifiedList list = active.get();
            return byStsPolicy(domain, list == null ? null : list.list().lookup(domain), known);
        }
        Decision byList = decideNormalized(domain);
        String stsSays = describe(sts);
        if (byList.listed() || byList.verdict() == Verdict.TEMPFAIL) {
            return byList.from(byList.source(), byList.reason() + "; MTA-STS: " + stsSays);
        }
        if (sts instanceof StsEvidence.Pending pending && pending.recordSeen()) {
            return new Decision(Verdict.TEMPFAIL, domain, null, "the domain publishes MTA-STS and its policy is still "
                    + "being fetched (" + pending.why() + "); try again shortly", DecisionSource.MTA_STS, null);
        }
        return byList.from(DecisionSource.NONE, "not in the list; MTA-STS: " + stsSays);
    }

    /**
     * Decides with DANE first (RFC 8461 §2: MTA-STS must not override DANE), then as
     * {@link #decide(String, StsEvidence)}: {@code dane-only} and {@code dane} decide by themselves,
     * over MTA-STS and the list; a DANE {@code TEMP} (bogus or failed MX RRset, nothing cached) is
     * a tempfail whatever the other sources say; no DANE (or {@code dane} null: not consulted) lets
     * MTA-STS, the list and none decide, the DANE reason added.
     */
    public Decision decide(String domainText, DaneVerdict dane, StsEvidence sts) {
        Objects.requireNonNull(sts, "sts");
        if (dane == null) {
            return decide(domainText, sts);
        }
        String domain;
        try {
            domain = DomainName.normalize(domainText);
        } catch (InvalidNameException e) {
            return decide(domainText);
        }
        TlsPolicy listed = active.get() == null ? null : active.get().list().lookup(domain);
        switch (dane.kind()) {
            case DANE_ONLY:
                return Decision.dane(Verdict.DANE_ONLY, domain, listed, "DANE: " + dane.reason());
            case DANE:
                return Decision.dane(Verdict.DANE, domain, listed, "DANE: " + dane.reason());
            case TEMP:
                return Decision.dane(Verdict.TEMPFAIL, domain, listed, "DANE: " + dane.reason() + "; try again later");
            case NO_DANE:
            default:
                Decision later = decideNormalized(domain, sts);
                return later.from(later.source(), later.reason() + "; DANE: " + dane.reason());
        }
    }

    /**
     * The decision by a valid policy in its mode. Without a list entry to show beside it, the
     * policy's own domain gets the decision the basis keeps: a cached policy is decided the same
     * way on every request.
     */
    private Decision byStsPolicy(String domain, TlsPolicy listed, StsEvidence.Policy known) {
        StsBasis basis = known.basis();
        Verdict verdict;
        String outcome;
        switch (basis.mode()) {
            case ENFORCE:
                verdict = Verdict.REQUIRE_TLS;
                outcome = ENFORCE_OUTCOME;
                break;
            case TESTING:
                boolean enforced = settings.testingDomains() == TestingDomains.ENFORCE;
                verdict = enforced ? Verdict.REQUIRE_TLS : Verdict.NO_POLICY;
                outcome = enforced ? TESTING_ENFORCED_OUTCOME : TESTING_OUTCOME;
                break;
            case NONE:
            default:
                verdict = Verdict.NO_POLICY;
                outcome = NONE_OUTCOME;
                break;
        }
        if (listed == null && basis.policyDomain().equals(domain)) {
            return basis.decision(verdict, known.how(), outcome);
        }
        return new Decision(verdict, domain, listed, basis.reason(known.how(), outcome), DecisionSource.MTA_STS, basis);
    }

    private static String describe(StsEvidence sts) {
        if (sts instanceof StsEvidence.Absent absent) {
            return absent.why();
        }
        if (sts instanceof StsEvidence.Failed failed) {
            return "no usable policy (" + failed.why() + ")";
        }
        StsEvidence.Pending pending = (StsEvidence.Pending) sts;
        return "still resolving (" + pending.why() + ")";
    }

    /**
     * What {@link #decide(String)} decides, for a name given as the {@code length} ASCII bytes at
     * {@code offset} of {@code name}, when that can be had without making a string: a door's common
     * case, a name already in normal form ({@link DomainName#isNormalAscii}) and an active list not
     * expired. Then a listed domain gets its kept decision, and a name the list does not hold gets
     * {@code ifNotListed}, the caller's own stand-in for {@code decide}'s "not in the list" (a
     * no-policy decision; the caller knows the name, the stand-in does not). Null when only
     * {@link #decide(String)} can say: bytes in another form, no list loaded, the list expired.
     */
    public Decision decideNormalAscii(byte[] name, int offset, int length, Decision ifNotListed) {
        VerifiedList list = active.get();
        if (list == null || !DomainName.isNormalAscii(name, offset, length)) {
            return null;
        }
        int slot = list.list().slotOf(name, offset, length);
        if (slot < 0) {
            return ifNotListed;
        }
        if (list.list().isExpiredAtMillis(clock.millis())) {
            return null;
        }
        return keptDecision(list, slot, null);
    }

    private Decision decideNormalized(String domain) {
        VerifiedList list = active.get();
        if (list == null) {
            return Decision.tempfail(domain, "no verified list is loaded yet").from(DecisionSource.LIST,
                    "no verified list is loaded yet");
        }
        int slot = list.list().slotOf(domain);
        if (slot < 0) {
            return Decision.noPolicy(domain, null, "not in the list");
        }
        if (list.list().isExpiredAtMillis(clock.millis())) {
            return decideExpired(domain, list.list().policyAt(slot), list);
        }
        return keptDecision(list, slot, domain);
    }

    /**
     * The decision kept for the listed domain at {@code slot} of {@code list}, made now if not yet
     * ({@code domain} null: the list's own name for it).
     */
    private Decision keptDecision(VerifiedList list, int slot, String domain) {
        ListedDecisions kept = listedDecisions;
        if (kept == null || !kept.keptFor(list)) {
            kept = new ListedDecisions(list);
            listedDecisions = kept;
        }
        Decision decision = kept.at(slot);
        if (decision == null) {
            decision = decideByMode(domain != null ? domain : list.list().nameAt(slot), list.list().policyAt(slot));
            kept.keep(slot, decision);
        }
        return decision;
    }

    private Decision decideExpired(String domain, TlsPolicy policy, VerifiedList list) {
        String expired = "the list expired at " + list.list().expires();
        switch (settings.expiredList()) {
            case KEEP_ENFORCING:
                return decideByMode(domain, policy);
            case TEMPFAIL_LISTED:
                return policy.mode() == PolicyMode.ENFORCE
                                || settings.testingDomains() == TestingDomains.ENFORCE
                        ? new Decision(Verdict.TEMPFAIL, domain, policy, expired + " and expired-list is tempfail-listed",
                                DecisionSource.LIST, null)
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
