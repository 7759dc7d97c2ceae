package org.starttls.policyd.fetcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.RollbackGuard;
import org.starttls.policyd.core.VerifiedList;

/**
 * One update run: fetch the list and its signature, verify and validate them, refuse an expired
 * list or one older than the installed list, then install the pair atomically. Every way a run can
 * go is an {@link UpdateResult}; the installed pair changes only when the result is
 * {@link UpdateResult.Installed}. One run at a time: the daemon's schedule and an on-demand
 * refresh never overlap within a process, and the state directory's lock covers other processes.
 */
public final class ListUpdater {
    private static final Logger LOG = LoggerFactory.getLogger(ListUpdater.class);
    /** How far ahead of this machine's clock a list's timestamp may be (clock skew, time zones done wrong). */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);

    private final ListSource source;
    private final HttpListDownloader downloader;
    private final ListVerifier verifier;
    private final StateDirectory state;
    private final FetchStateFile fetchState;
    private final RollbackFloor floor;
    private final Clock clock;
    private final SourceReader reader;
    private final InstalledCache installed;

    public ListUpdater(ListSource source, HttpListDownloader downloader, ListVerifier verifier,
            StateDirectory state, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.downloader = Objects.requireNonNull(downloader, "downloader");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fetchState = new FetchStateFile(state.root());
        this.floor = new RollbackFloor(state.root());
        this.reader = new SourceReader(downloader);
        this.installed = new InstalledCache(state, verifier);
    }

    public ListSource source() {
        return source;
    }

    /** As {@link #update(VerifiedList)} for a caller that answers from no list of its own. */
    public UpdateResult update() {
        return update(null);
    }

    /**
     * Runs one update and says what happened, refusing also a candidate older than {@code active},
     * the list a daemon answers from (null: none), so a damaged or replaced installed copy cannot
     * let an older list onto the disk either. A fault is a refusal, {@link Error}s included: a
     * {@link StackOverflowError} or {@link OutOfMemoryError} caused by what a server sent ends with
     * this run (its frames and objects are gone once it returns), so it is reported as an
     * {@code internal_error} refusal rather than killing the caller's thread. Only
     * {@link InternalError} and {@link UnknownError}, which say the virtual machine itself is
     * broken and have nothing to do with the input, are rethrown.
     */
    public synchronized UpdateResult update(VerifiedList active) {
        UpdateResult result;
        try {
            result = run(active);
        } catch (Refusal refusal) {
            result = new UpdateResult.Refused(refusal.reason, refusal.getMessage());
        } catch (InternalError | UnknownError fatal) {
            throw fatal;
        } catch (Throwable e) {
            // Whatever happened, the state directory holds a complete pair (see StateDirectory);
            // the next run re-reads it from disk.
            LOG.error("list update from {} failed unexpectedly; the installed list is kept", source.describe(), e);
            return new UpdateResult.Refused(RefusalReason.INTERNAL_ERROR, "unexpected error: " + e);
        }
        if (result instanceof UpdateResult.Refused) {
            LOG.warn("list update from {} {}; the installed list is kept", source.describe(), result.describe());
        } else {
            LOG.info("list update from {}: {}", source.describe(), result.describe());
        }
        return result;
    }

    private UpdateResult run(VerifiedList active) throws Refusal {
        if (source.kind() == ListSource.Kind.EMBEDDED) {
            return new UpdateResult.Unchanged(null, "the source is the embedded list; there is nothing to fetch");
        }
        VerifiedList current = installed.get();
        Validators validators = current != null && source.kind() == ListSource.Kind.HTTP
                ? fetchState.read(source.listUri()) : Validators.NONE;
        SourceReader.Fetched fetched;
        try {
            fetched = reader.read(source, validators);
        } catch (DownloadException e) {
            throw new Refusal(RefusalReason.DOWNLOAD, e.getMessage());
        }
        if (fetched == null) {
            return new UpdateResult.Unchanged(current, "not modified since the installed copy (HTTP 304)");
        }
        if (installed.holds(fetched.list(), fetched.signature())) {
            rememberValidators(fetched.validators());
            return new UpdateResult.Unchanged(current, "the source serves the list already installed");
        }
        VerifiedList candidate = verify(fetched);
        refuseIfExpired(candidate);
        try {
            RollbackGuard.check(candidate, current);
            RollbackGuard.check(candidate, active);
            // The record holds even when the installed copy is damaged and nothing is in memory.
            Optional<RollbackFloor.Times> newest = floor.read();
            if (newest.isPresent()) {
                RollbackGuard.check(candidate, newest.get().signedAt(), newest.get().timestamp(),
                        "the newest list installed in " + state.root());
            }
        } catch (ListRejectedException e) {
            throw new Refusal(map(e.reason()), e.getMessage());
        }
        ListDiff diff = ListDiff.between(current == null ? null : current.list(), candidate.list());
        try {
            installed.put(state.install(fetched.list(), fetched.signature(), verifier.keyring()), candidate);
        } catch (StateDirectoryException e) {
            throw new Refusal(RefusalReason.STATE_DIRECTORY, e.getMessage());
        }
        rememberValidators(fetched.validators());
        raiseFloor(candidate);
        return new UpdateResult.Installed(candidate, current, diff);
    }

    private VerifiedList verify(SourceReader.Fetched fetched) throws Refusal {
        if (fetched.signatureLooksLikeHtml()) {
            throw new Refusal(RefusalReason.SIGNATURE, fetched.signatureLocation()
                    + " returned an HTML page, not an OpenPGP signature");
        }
        try {
            return verifier.verify(fetched.list(), fetched.signature(), source.describe());
        } catch (ListRejectedException e) {
            throw new Refusal(map(e.reason()), e.getMessage());
        }
    }

    private void refuseIfExpired(VerifiedList candidate) throws Refusal {
        Instant now = clock.instant();
        if (candidate.list().isExpiredAt(now)) {
            throw new Refusal(RefusalReason.EXPIRED, source.describe() + ": the list expired at "
                    + candidate.list().expires() + " (now " + now + ")");
        }
        if (candidate.list().timestamp().isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            // Installed, it would be the rollback floor: every honest later edition would be refused.
            throw new Refusal(RefusalReason.FORMAT, source.describe() + ": the list's timestamp "
                    + candidate.list().timestamp() + " is more than a day ahead of this machine's clock (now " + now
                    + "); installing it would refuse every later list as a rollback (check the publisher's clock, or this one)");
        }
    }

    private void raiseFloor(VerifiedList installedNow) {
        try {
            floor.raiseTo(installedNow);
        } catch (StateDirectoryException e) {
            // The list is installed; the installed copy and the list in memory still guard it.
            LOG.warn("{}", e.getMessage());
        }
    }

    private void rememberValidators(Validators validators) {
        try {
            if (source.kind() == ListSource.Kind.HTTP && !validators.isEmpty()) {
                fetchState.write(source.listUri(), validators);
            } else {
                // Validators from another source must not make a later HTTP fetch conditional.
                fetchState.clear();
            }
        } catch (StateDirectoryException e) {
            // The list is installed; without validators the next download is just unconditional.
            LOG.warn("{}", e.getMessage());
        }
    }

    private static RefusalReason map(ListRejectedException.Reason reason) {
        switch (reason) {
            case SIGNATURE:
                return RefusalReason.SIGNATURE;
            case FORMAT:
                return RefusalReason.FORMAT;
            case ROLLBACK:
                return RefusalReason.ROLLBACK;
            case EXPIRED:
                return RefusalReason.EXPIRED;
            case UNREADABLE:
            default:
                return RefusalReason.DOWNLOAD;
        }
    }

    /** Ends a run with a refusal; only ever thrown and caught inside {@link #update()}. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final RefusalReason reason;

        Refusal(RefusalReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
