package org.starttls.policyd.fetcher;

import java.util.Objects;
import org.starttls.policyd.core.VerifiedList;

/** What one update run decided. The installed pair changes only for {@link Installed}. */
public sealed interface UpdateResult permits UpdateResult.Unchanged, UpdateResult.Installed, UpdateResult.Refused {

    /** One line for logs and {@code policyctl update}. */
    String describe();

    /** Whether the run ended without a fault (installed or nothing new). */
    default boolean succeeded() {
        return !(this instanceof Refused);
    }

    /**
     * Nothing new: the server answered 304, served the bytes already installed, or the source is the
     * embedded list.
     *
     * @param installed the installed list, or null when none is installed (embedded source)
     */
    record Unchanged(VerifiedList installed, String detail) implements UpdateResult {
        public Unchanged {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String describe() {
            return "unchanged: " + detail;
        }
    }

    /**
     * A newer verified list is now the installed pair.
     *
     * @param list the list now installed, for {@code PolicyEngine.install}
     * @param previous the list it replaced on disk, or null when this is the first install
     * @param diff domains added, removed and changed against {@code previous}
     */
    record Installed(VerifiedList list, VerifiedList previous, ListDiff diff) implements UpdateResult {
        public Installed {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(diff, "diff");
        }

        @Override
        public String describe() {
            return "installed list of " + list.list().timestamp() + " from " + list.source() + " ("
                    + list.list().size() + " domains; " + diff.summary() + "; expires " + list.list().expires() + ")";
        }
    }

    /** The candidate was not installed; the installed pair is untouched. */
    record Refused(RefusalReason reason, String message) implements UpdateResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String describe() {
            return "refused (" + reason.wireName() + "): " + message;
        }
    }
}
