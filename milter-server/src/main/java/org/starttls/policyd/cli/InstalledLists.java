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
import org.starttls.policyd.fetcher.KeyringChoice;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.StateDirectoryException;

/** Reads the list installed in a state directory, verifying it again, with the keys policyd would use. */
final class InstalledLists {
    private InstalledLists() {
    }

    /**
     * The installed list, or null when {@code dir} holds none and {@code explicit} is false (the
     * caller then falls back to the embedded default and says so).
     *
     * @param named the keyring the operator named (--keyring or list.keyring), or null
     */
    static VerifiedList read(Path dir, PinnedKeyring named, boolean explicit, List<String> notes)
            throws ListRejectedException {
        if (!explicit && !Files.isDirectory(dir)) {
            return null;
        }
        StateDirectory state = new StateDirectory(dir);
        Optional<InstalledPair> pair;
        try {
            pair = state.readInstalled();
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
        KeyringChoice choice = KeyringChoice.forInstalled(named, pair.get(), state);
        if (choice.problem() != null && named == null) {
            throw new ListRejectedException(Reason.UNREADABLE, choice.problem()
                    + "; name the keyring the list is signed by with --keyring (or list.keyring)");
        }
        ListOptions.noteRotation(choice, notes);
        try {
            return new ListVerifier(choice.keyring()).verify(pair.get().list(), pair.get().signature(),
                    "installed " + pair.get().generation());
        } catch (ListRejectedException e) {
            if (choice.rotation()) {
                throw new ListRejectedException(e.reason(), e.getMessage() + ". The installed list was accepted under "
                        + "other keys, and the named keyring replaces them (" + choice.description() + "): install a "
                        + "list signed by the new keys with 'policyctl update --keyring ...', or leave out --keyring "
                        + "to read it with the keys it was installed under", e);
            }
            throw e;
        }
    }
}
