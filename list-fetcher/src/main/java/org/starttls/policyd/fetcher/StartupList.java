package org.starttls.policyd.fetcher;

import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.VerifiedList;

/**
 * A list to start with for a tool that has no source to fetch from: the installed pair, verified
 * again before use, or else the embedded default, with a notice saying why. The daemon does not
 * use this fallback when a source is configured: it reads {@link InstalledList} and decides by
 * its {@code list.while-unverified} setting.
 *
 * @param list the list to install in the engine
 * @param notice why the embedded default is used although a pair is installed, or null
 */
public record StartupList(VerifiedList list, String notice) {
    private static final Logger LOG = LoggerFactory.getLogger(StartupList.class);

    public StartupList {
        Objects.requireNonNull(list, "list");
    }

    public static StartupList load(StateDirectory state, org.starttls.policyd.core.ListVerifier verifier,
            Supplier<VerifiedList> embedded) {
        InstalledList installed = InstalledList.read(state, verifier);
        if (installed.list() != null) {
            VerifiedList list = installed.list();
            LOG.info("using the installed list from {}: timestamp {}, expires {}, {} domains, signed by {} at {}",
                    list.source(), list.list().timestamp(), list.list().expires(), list.list().size(),
                    list.signature().signerDescription(), list.signature().signatureTime());
            return new StartupList(list, null);
        }
        VerifiedList list = embedded.get();
        if (installed.nothingInstalled()) {
            LOG.info("no list installed in {} yet; using the {}", state.root(), list.source());
            return new StartupList(list, null);
        }
        String notice = installed.problem() + "; falling back to the " + list.source();
        LOG.error("{}", notice);
        return new StartupList(list, notice);
    }
}
