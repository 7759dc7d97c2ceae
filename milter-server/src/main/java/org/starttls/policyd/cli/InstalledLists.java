package org.starttls.policyd.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.signature.PinnedKeyring;

/** Reads the list installed in a state directory, verifying it again before use. */
final class InstalledLists {
    private InstalledLists() {
    }

    /**
     * The installed list, or null when {@code dir} holds none and {@code explicit} is false (the
     * caller then falls back to the embedded default and says so in {@code notes}).
     */
    static VerifiedList read(Path dir, PinnedKeyring keyring, boolean explicit, List<String> notes)
            throws ListRejectedException {
        Path current = dir.resolve("current");
        Path list = current.resolve("policy.json");
        if (!Files.exists(list)) {
            if (explicit) {
                throw new ListRejectedException(Reason.UNREADABLE, dir + " holds no installed list (run policyctl update)");
            }
            return null;
        }
        return new ListVerifier(keyring).verify(ListOptions.read(list, "installed list"),
                ListOptions.read(current.resolve("policy.json.asc"), "installed signature"), list.toString());
    }
}
