package org.starttls.policyd.fetcher;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;

/**
 * The list the daemon starts with: the installed pair, verified again before use (the disk is not
 * trusted more than the network), or else the embedded default, with a notice saying why.
 *
 * @param list the list to install in the engine
 * @param notice why the embedded default is used although a pair is installed, or null
 */
public record StartupList(VerifiedList list, String notice) {
    private static final Logger LOG = LoggerFactory.getLogger(StartupList.class);

    public StartupList {
        Objects.requireNonNull(list, "list");
    }

    public static StartupList load(StateDirectory state, ListVerifier verifier, Supplier<VerifiedList> embedded) {
        Optional<InstalledPair> pair;
        try {
            pair = state.readInstalled();
        } catch (StateDirectoryException e) {
            return fallBack(embedded, "the installed list cannot be read (" + e.getMessage() + ")");
        }
        if (pair.isEmpty()) {
            VerifiedList list = embedded.get();
            LOG.info("no list installed in {} yet; using the {}", state.root(), list.source());
            return new StartupList(list, null);
        }
        VerifiedList installed;
        try {
            installed = verifier.verify(pair.get().list(), pair.get().signature(),
                    "installed copy " + pair.get().generation());
        } catch (ListRejectedException e) {
            return fallBack(embedded, "the installed list does not verify (" + e.getMessage() + ")");
        }
        LOG.info("using the installed list from {}: timestamp {}, expires {}, {} domains, signed by {} at {}",
                pair.get().generation(), installed.list().timestamp(), installed.list().expires(),
                installed.list().size(), installed.signature().signerDescription(),
                installed.signature().signatureTime());
        return new StartupList(installed, null);
    }

    private static StartupList fallBack(Supplier<VerifiedList> embedded, String why) {
        VerifiedList list = embedded.get();
        String notice = why + "; falling back to the " + list.source();
        LOG.error("{}", notice);
        return new StartupList(list, notice);
    }
}
