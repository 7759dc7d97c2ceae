package org.starttls.policyd.fetcher;

import java.util.Optional;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.signature.PinnedKeyring;

/**
 * Which keys a reader of a state directory verifies its list with. The one rule for policyd and
 * every policyctl subcommand:
 *
 * <ol>
 *   <li>no keyring named: the keyring recorded with the installed list (see {@link KeyringRecord});
 *   <li>no keyring named and no record (nothing installed, or installed before records were kept):
 *       the embedded EFF authority key;
 *   <li>a keyring named that holds the recorded keys: that keyring;
 *   <li>a keyring named that holds other keys: a <em>key rotation</em>, said so; only a list signed
 *       by the named keys is accepted from then on, the installed one included.
 * </ol>
 *
 * @param keyring the keys to verify with
 * @param description where they come from, in words for logs and output
 * @param rotation whether the named keyring replaces the recorded one
 * @param problem why the record could not be used (unreadable directory, damaged record), or null;
 *     {@code keyring} is then the named keyring or, when none was named, the embedded default
 */
public record KeyringChoice(PinnedKeyring keyring, String description, boolean rotation, String problem) {

    /** Chooses for the pair installed in {@code state} now. */
    public static KeyringChoice choose(PinnedKeyring named, StateDirectory state) {
        Optional<InstalledPair> installed;
        try {
            installed = state.readInstalled();
        } catch (StateDirectoryException e) {
            return withProblem(named, e.getMessage());
        }
        return forInstalled(named, installed.orElse(null), state);
    }

    /** Chooses for {@code installed} (null when nothing is installed), read from {@code state}. */
    public static KeyringChoice forInstalled(PinnedKeyring named, InstalledPair installed, StateDirectory state) {
        KeyringRecord record = installed == null ? null : installed.keyringRecord();
        if (record == null) {
            if (named != null) {
                return new KeyringChoice(named, named.toString(), false, null);
            }
            String why = installed == null ? "nothing is installed in " + state.root()
                    : "the list in " + installed.generation() + " was installed without a keyring record";
            PinnedKeyring embedded = EmbeddedDefault.keyring();
            return new KeyringChoice(embedded, "the embedded EFF authority key " + embedded.primaryFingerprints()
                    + " (" + why + ")", false, null);
        }
        PinnedKeyring recorded;
        try {
            recorded = record.keyring();
        } catch (StateDirectoryException e) {
            return withProblem(named, e.getMessage());
        }
        if (named == null) {
            return new KeyringChoice(recorded, "the keyring recorded with the installed list in " + record.location()
                    + " " + recorded.primaryFingerprints(), false, null);
        }
        if (named.sameKeysAs(recorded)) {
            return new KeyringChoice(named, named.toString(), false, null);
        }
        return new KeyringChoice(named, "KEY ROTATION: " + named + " replaces the keyring recorded with the installed "
                + "list in " + record.location() + " " + recorded.primaryFingerprints()
                + "; only a list signed by the new keys is accepted", true, null);
    }

    private static KeyringChoice withProblem(PinnedKeyring named, String problem) {
        PinnedKeyring keys = named != null ? named : EmbeddedDefault.keyring();
        String description = named != null ? named.toString()
                : "the embedded EFF authority key " + keys.primaryFingerprints();
        return new KeyringChoice(keys, description + " (" + problem + ")", false, problem);
    }
}
