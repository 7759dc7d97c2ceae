package org.starttls.policyd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;
import org.starttls.policyd.fetcher.KeyringChoice;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.config.ConfigException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The list-selection options every list-reading subcommand shares: a candidate list verified
 * before use, or what {@code update} installed in a state directory, or by default the installed
 * list in the configured state directory, else the embedded default. The keys are chosen as
 * policyd chooses them ({@link KeyringChoice}): --keyring, else list.keyring, else the keyring
 * recorded with the installed list, else the embedded EFF key.
 */
public final class ListOptions {
    @Option(names = "--list", paramLabel = "FILE",
            description = "A candidate list to read (verified before use).")
    Path list;

    @Option(names = "--signature", paramLabel = "FILE",
            description = "Detached OpenPGP signature of --list (default: the list's path + .asc).")
    Path signature;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Pinned public key(s), armored or binary (default: list.keyring of --config, else the "
                    + "keyring recorded with the installed list, else the embedded EFF authority key). Naming other "
                    + "keys than the recorded ones is a key rotation: only a list signed by them is accepted.")
    Path keyring;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Read the list that 'policyctl update' or policyd installed in DIR "
                    + "(default: list.state-dir of --config, " + StateDirectory.DEFAULT_PATH_NAME
                    + ", when it holds one, else the embedded default).")
    Path stateDir;

    @Mixin
    ConfigOptions config;

    /** A verified list and what the operator should be told about where it came from. */
    public record LoadedList(VerifiedList verified, List<String> notes) {
    }

    /** Loads and verifies the selected list; refusals carry the reason. */
    public LoadedList load() throws ListRejectedException, ConfigException {
        if (list != null && stateDir != null) {
            throw new ListRejectedException(Reason.UNREADABLE, "--list and --state-dir cannot be used together");
        }
        if (list == null && signature != null) {
            throw new ListRejectedException(Reason.UNREADABLE, "--signature needs --list");
        }
        List<String> notes = new ArrayList<>();
        Path dir = stateDir != null ? stateDir : config.stateDir();
        PinnedKeyring named = namedKeyring();
        if (list != null) {
            KeyringChoice choice = KeyringChoice.choose(named, new StateDirectory(dir));
            noteRotation(choice, notes);
            Path sig = signature != null ? signature : Path.of(list + ".asc");
            VerifiedList verified = new ListVerifier(choice.keyring()).verify(read(list, "list"),
                    read(sig, "signature"), list.toString());
            return new LoadedList(verified, notes);
        }
        VerifiedList installed = InstalledLists.read(dir, named, stateDir != null, notes);
        if (installed != null) {
            return new LoadedList(installed, notes);
        }
        notes.add(EmbeddedDefault.WARNING);
        return new LoadedList(EmbeddedDefault.load(), notes);
    }

    /** Tells the operator about a key rotation, or a keyring record that could not be used. */
    static void noteRotation(KeyringChoice choice, List<String> notes) {
        if (choice.rotation()) {
            notes.add(choice.description());
        } else if (choice.problem() != null) {
            notes.add("the state directory's keyring record was not used (" + choice.problem() + "); verifying with "
                    + choice.keyring());
        }
    }

    /** --keyring, else list.keyring of the configuration, parsed; null when neither names one. */
    PinnedKeyring namedKeyring() throws ListRejectedException, ConfigException {
        Path file = keyring != null ? keyring : config.keyring();
        if (file == null) {
            return null;
        }
        try {
            return PinnedKeyring.read(file);
        } catch (SignatureVerificationException e) {
            throw new ListRejectedException(Reason.SIGNATURE, e.getMessage(), e);
        }
    }

    static byte[] read(Path file, String what) throws ListRejectedException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ListRejectedException(Reason.UNREADABLE, "cannot read the " + what + ": " + file
                    + " does not exist");
        } catch (IOException e) {
            throw new ListRejectedException(Reason.UNREADABLE, "cannot read the " + what + " " + file + ": "
                    + IoErrors.describe(e));
        }
    }
}
