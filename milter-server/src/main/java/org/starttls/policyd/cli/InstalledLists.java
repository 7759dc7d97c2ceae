package org.starttls.policyd.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.fetcher.InstalledPair;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.StateDirectoryException;

/** Reads the list installed in a state directory, verifying it again before use. */
final class InstalledLists {
    private InstalledLists() {
    }

    /**
     * The installed list, or null when {@code dir} holds none and {@code explicit} is false (the
     * caller then falls back to the embedded default and says so).
     */
    static VerifiedList read(Path dir, PinnedKeyring keyring, boolean explicit, List<String> notes)
            throws ListRejectedException {
        if (!explicit && !Files.isDirectory(dir)) {
            return null;
        }
        Optional<InstalledPair> pair;
        try {
            pair = new StateDirectory(dir).readInstalled();
        } catch (StateDirectoryException e) {
            throw new ListRejectedException(Reason.UNREADABLE, "cannot read the list installed in " + dir + ": "
                    + e.getMessage(), e);
        }
        if (pair.isEmpty()) {
            if (explicit) {
                throw new ListRejectedException(Reason.UNREADABLE, dir + " holds no installed list"
                        + " (policyctl update installs one)");
            }
            notes.add("no list is installed in " + dir);
            return null;
        }
        return new ListVerifier(keyring).verify(pair.get().list(), pair.get().signature(),
                "installed " + pair.get().generation());
    }
}
