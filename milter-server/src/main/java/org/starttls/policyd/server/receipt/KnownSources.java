package org.starttls.policyd.server.receipt;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.fetcher.sts.StsLookup;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.server.dane.DaneLookup;
import org.starttls.policyd.server.sts.StsEvidenceOf;

/**
 * Receipt-time decisions (policy delegation, milter) from what DANE and MTA-STS already know, in
 * the engine's order ({@link PolicyEngine#decide(String, DaneVerdict, StsEvidence)}): a cached
 * {@code dane-only}/{@code dane} answer or a cached MTA-STS policy decides as it does at the
 * socketmap door, so the receipt doors protect what delivery protects.
 *
 * <p>It never waits: an answer still being looked up counts as not known, and the list decides
 * (as it did before these sources were asked at receipt). Asking starts the lookup in the
 * background (the resolvers run one per domain at a time, on their own bounded threads), so the
 * next message for the domain knows. Nothing here blocks, so it may run on an event loop.
 *
 * <p>Receipt is early warning; delivery enforces. So a DANE {@code TEMP} (MX RRset bogus or
 * unanswered) is not a receipt-time deferral: the list and MTA-STS decide, and the socketmap door
 * defers at delivery. An error in asking either cache is logged and the list decides alone, as
 * without these sources: never a deferral for every recipient, never a crash.
 */
public final class KnownSources implements ReceiptDecider {
    private static final Logger LOG = LoggerFactory.getLogger(KnownSources.class);
    /** A resolution in progress, at receipt: never a tempfail (a promised policy is not "seen" here). */
    static final StsEvidence NOT_KNOWN_YET = new StsEvidence.Pending(
            "not cached yet; resolving in the background, receipt does not wait", false);

    private final PolicyEngine engine;
    private final StsLookup sts;
    private final DaneLookup dane;

    /**
     * @param sts MTA-STS's resolver, or null when MTA-STS is off
     * @param dane DANE's verdicts, or null when DANE is off
     */
    public KnownSources(PolicyEngine engine, StsLookup sts, DaneLookup dane) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.sts = sts;
        this.dane = dane;
    }

    @Override
    public Decision decideAtReceipt(String domain) {
        if (sts == null && dane == null) {
            return engine.decide(domain);
        }
        String normalized;
        try {
            normalized = DomainName.normalize(domain);
        } catch (InvalidNameException e) {
            return engine.decide(domain);
        }
        DaneVerdict daneKnows;
        StsEvidence stsKnows;
        try {
            daneKnows = daneNow(normalized);
            stsKnows = stsNow(normalized);
        } catch (RuntimeException e) {
            LOG.warn("receipt: asking the DANE and MTA-STS caches about {} failed; the list decides alone", normalized, e);
            return engine.decide(normalized);
        }
        return engine.decide(normalized, daneKnows, stsKnows);
    }

    /** A cached {@code dane-only}, {@code dane} or "no DANE"; null when off, not known yet, or TEMP. */
    private DaneVerdict daneNow(String domain) {
        if (dane == null) {
            return null;
        }
        CompletableFuture<DaneVerdict> verdict = dane.verdict(domain);
        if (!verdict.isDone() || verdict.isCompletedExceptionally()) {
            return null;
        }
        DaneVerdict known = verdict.join();
        return known == null || known.kind() == DaneVerdict.Kind.TEMP ? null : known;
    }

    /** What MTA-STS knows now (a cached policy, a remembered "no policy"), else {@link #NOT_KNOWN_YET}. */
    private StsEvidence stsNow(String domain) {
        if (sts == null) {
            return StsEvidence.NOT_CONSULTED;
        }
        CompletableFuture<StsOutcome> outcome = sts.resolve(domain).outcome();
        if (!outcome.isDone() || outcome.isCompletedExceptionally()) {
            return NOT_KNOWN_YET;
        }
        return StsEvidenceOf.outcome(outcome.join());
    }
}
