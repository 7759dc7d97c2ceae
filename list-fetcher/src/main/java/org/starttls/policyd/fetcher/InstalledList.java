package org.starttls.policyd.fetcher;

import java.util.Optional;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;

/**
 * What a state directory holds, verified again before use (the disk is not trusted more than the
 * network): a list that verifies, nothing at all, or a copy that cannot be used, with why.
 *
 * @param list the installed list, verified; null when there is none or it cannot be used
 * @param problem why the installed copy cannot be used ("does not verify (...)"), or null
 */
public record InstalledList(VerifiedList list, String problem) {

    /** Reads and verifies the installed pair. Never throws: what goes wrong is the {@code problem}. */
    public static InstalledList read(StateDirectory state, ListVerifier verifier) {
        Optional<InstalledPair> pair;
        try {
            pair = state.readInstalled();
        } catch (StateDirectoryException e) {
            return new InstalledList(null, "the installed list cannot be read (" + e.getMessage() + ")");
        }
        if (pair.isEmpty()) {
            return new InstalledList(null, null);
        }
        try {
            return new InstalledList(verifier.verify(pair.get().list(), pair.get().signature(),
                    "installed copy " + pair.get().generation()), null);
        } catch (ListRejectedException e) {
            return new InstalledList(null, "the installed list does not verify (" + e.getMessage() + ")");
        }
    }

    /** Whether nothing was ever installed (as opposed to a copy that cannot be used). */
    public boolean nothingInstalled() {
        return list == null && problem == null;
    }
}
