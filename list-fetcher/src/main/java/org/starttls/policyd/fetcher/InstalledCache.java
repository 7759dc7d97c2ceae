package org.starttls.policyd.fetcher;

import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;

/**
 * The installed pair as the updater compares against it, re-read from disk on every run (another
 * process may have installed since) but verified again only when its bytes changed.
 */
final class InstalledCache {
    private static final Logger LOG = LoggerFactory.getLogger(InstalledCache.class);

    private final StateDirectory state;
    private final ListVerifier verifier;
    private InstalledPair pair;
    private VerifiedList verified;

    InstalledCache(StateDirectory state, ListVerifier verifier) {
        this.state = state;
        this.verifier = verifier;
    }

    /**
     * The installed list, or null when there is none or it cannot be trusted: then any valid
     * candidate may replace it, which is how a damaged state directory heals.
     */
    VerifiedList get() {
        Optional<InstalledPair> onDisk;
        try {
            onDisk = state.readInstalled();
        } catch (StateDirectoryException e) {
            LOG.warn("{}; treating the state directory as empty", e.getMessage());
            return forget();
        }
        if (onDisk.isEmpty()) {
            return forget();
        }
        InstalledPair found = onDisk.get();
        if (pair != null && found.sameBytes(pair.list(), pair.signature())) {
            return verified;
        }
        try {
            verified = verifier.verify(found.list(), found.signature(), "installed copy " + found.generation());
            pair = found;
            return verified;
        } catch (ListRejectedException e) {
            if (rotated(found)) {
                LOG.info("key rotation: the installed list in {} was installed under other keys than {}; the next list "
                        + "signed by the new keys replaces it", found.generation(), verifier.keyring());
            } else {
                LOG.warn("the installed list does not verify ({}); it will be replaced by the next valid list",
                        e.getMessage());
            }
            return forget();
        }
    }

    /** Whether {@code pair} was recorded under keys other than the ones verified with now. */
    private boolean rotated(InstalledPair pair) {
        return KeyringChoice.forInstalled(verifier.keyring(), pair, state).rotation();
    }

    /** Whether the installed pair is exactly these bytes. */
    boolean holds(byte[] list, byte[] signature) {
        return pair != null && Arrays.equals(pair.list(), list) && Arrays.equals(pair.signature(), signature);
    }

    void put(InstalledPair installed, VerifiedList list) {
        this.pair = installed;
        this.verified = list;
    }

    private VerifiedList forget() {
        pair = null;
        verified = null;
        return null;
    }
}
