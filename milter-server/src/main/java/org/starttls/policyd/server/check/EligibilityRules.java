package org.starttls.policyd.server.check;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.server.probe.MxReport;

/**
 * Turns what was seen of a domain into a verdict, with the reasons. The rule of thumb: a domain
 * is listed {@code enforce} only when a sender that enforces the entry would deliver to every MX;
 * {@code testing} when TLS works but some mail would be deferred (a certificate problem, an MX
 * that could not be checked, MTA-STS in testing or broken); not at all when an MX cannot do
 * STARTTLS with TLS 1.2+, or when what decides could not be looked up.
 */
final class EligibilityRules {
    private final List<String> reasons = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Eligibility verdict = Eligibility.ENFORCE;

    private EligibilityRules() {
    }

    /** The verdict on a domain whose MXes were probed. */
    static DomainCheck judge(String domain, List<MxCheck> mxs, StsFinding sts, Instant checkedAt) {
        EligibilityRules rules = new EligibilityRules();
        mxs.forEach(rules::mx);
        if (mxs.stream().noneMatch(MxCheck::tlsWorks)) {
            rules.downTo(Eligibility.NOT_ELIGIBLE, mxs.stream().allMatch(mx -> !mx.probe().result().isFailure())
                    ? "no MX of " + domain + " could be reached, so nothing is known about its TLS"
                    : "no MX of " + domain + " does STARTTLS with TLS 1.2 or newer");
        }
        rules.sts(sts, mxs);
        TlsPolicy entry = null;
        if (rules.verdict.listMode() != null) {
            boolean stsPatterns = sts.policy() != null && sts.policy().mode() != StsMode.NONE;
            List<MxPattern> patterns = stsPatterns ? EntryPatterns.fromSts(sts.policy())
                    : EntryPatterns.fromHosts(mxs.stream().filter(MxCheck::tlsWorks).map(MxCheck::name).toList());
            entry = new TlsPolicy(rules.verdict.listMode(), patterns, null);
        }
        return new DomainCheck(domain, rules.verdict, rules.reasons, rules.notes, mxs, sts, entry, checkedAt);
    }

    /** A domain whose MXes could not be probed (the MX lookup failed, or a null MX). */
    static DomainCheck withoutMxes(String domain, String why, StsFinding sts, Instant checkedAt) {
        return new DomainCheck(domain, Eligibility.NOT_ELIGIBLE, List.of(why), List.of(), List.of(), sts, null,
                checkedAt);
    }

    private void mx(MxCheck mx) {
        MxReport probe = mx.probe();
        switch (probe.result()) {
            case OK -> {
            }
            case CERTIFICATE_HOST_MISMATCH, CERTIFICATE_EXPIRED, CERTIFICATE_NOT_TRUSTED ->
                downTo(Eligibility.TESTING, probe.summary() + ": a sender that verifies would defer mail to it");
            case STARTTLS_NOT_SUPPORTED, VALIDATION_FAILURE ->
                downTo(Eligibility.NOT_ELIGIBLE, probe.summary() + ": enforcing TLS would stop mail to it");
            case UNREACHABLE -> downTo(Eligibility.TESTING, probe.summary() + ": its TLS could not be checked");
            case MX_NOT_IN_POLICY -> throw new IllegalArgumentException("the check probes every MX: " + probe);
        }
        if (Boolean.TRUE.equals(mx.dane())) {
            notes.add(mx.name() + " publishes DANE TLSA records (_25._tcp." + mx.name() + ")");
        } else if (mx.dane() == null) {
            notes.add("DANE unknown for " + mx.name() + ": " + mx.daneDetail());
        }
    }

    private void sts(StsFinding sts, List<MxCheck> mxs) {
        switch (sts.state()) {
            case NOT_PUBLISHED -> notes.add("no MTA-STS: the entry's patterns are the MX names that passed");
            case DNS_FAILED -> downTo(Eligibility.NOT_ELIGIBLE, "MTA-STS could not be checked: " + sts.detail());
            case BROKEN -> downTo(Eligibility.TESTING, "MTA-STS is published but unusable: " + sts.detail());
            case POLICY -> policy(sts.policy(), mxs);
        }
    }

    private void policy(StsPolicy policy, List<MxCheck> mxs) {
        policy.warnings().forEach(warning -> notes.add("MTA-STS policy: " + warning));
        if (policy.mode() == StsMode.NONE) {
            downTo(Eligibility.NOT_ELIGIBLE, "the MTA-STS policy's mode is none: the domain asks senders not to enforce");
            return;
        }
        if (policy.mode() == StsMode.TESTING) {
            downTo(Eligibility.TESTING, "the MTA-STS policy is in testing mode");
        }
        for (MxCheck mx : mxs) {
            if (!policy.coversMx(mx.name())) {
                downTo(Eligibility.TESTING, mx.name() + " is not covered by the MTA-STS policy's mx patterns "
                        + policy.mx() + ": a sender that enforces them would not deliver there");
            }
        }
    }

    private void downTo(Eligibility at, String reason) {
        verdict = verdict.worse(at);
        reasons.add(reason);
    }
}
