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
import org.starttls.policyd.fetcher.StateDirectory;
import picocli.CommandLine.Option;

/**
 * The list-selection options every list-reading subcommand shares: a candidate list verified
 * before use, or what {@code update} installed in a state directory, or by default the installed
 * list in the default state directory, else the embedded default.
 */
public final class ListOptions {
    public static final Path DEFAULT_STATE_DIR = StateDirectory.DEFAULT_PATH;

    @Option(names = "--list", paramLabel = "FILE",
            description = "A candidate list to read (verified before use).")
    Path list;

    @Option(names = "--signature", paramLabel = "FILE",
            description = "Detached OpenPGP signature of --list (default: the list's path + .asc).")
    Path signature;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Pinned public key(s), armored or binary (default: the embedded EFF authority key).")
    Path keyring;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Read the list that 'policyctl update' or policyd installed in DIR "
                    + "(default: " + StateDirectory.DEFAULT_PATH_NAME + " when it holds one, else the embedded default).")
    Path stateDir;

    /** A verified list and what the operator should be told about where it came from. */
    public record LoadedList(VerifiedList verified, List<String> notes) {
    }

    /** Loads and verifies the selected list; refusals carry the reason. */
    public LoadedList load() throws ListRejectedException {
        if (list != null && stateDir != null) {
            throw new ListRejectedException(Reason.UNREADABLE, "--list and --state-dir cannot be used together");
        }
        if (list == null && signature != null) {
            throw new ListRejectedException(Reason.UNREADABLE, "--signature needs --list");
        }
        PinnedKeyring keys = pinnedKeyring();
        if (list != null) {
            Path sig = signature != null ? signature : Path.of(list + ".asc");
            VerifiedList verified = new ListVerifier(keys).verify(read(list, "list"), read(sig, "signature"),
                    list.toString());
            return new LoadedList(verified, List.of());
        }
        List<String> notes = new ArrayList<>();
        Path dir = stateDir != null ? stateDir : DEFAULT_STATE_DIR;
        VerifiedList installed = InstalledLists.read(dir, keys, stateDir != null, notes);
        if (installed != null) {
            return new LoadedList(installed, notes);
        }
        notes.add(EmbeddedDefault.WARNING);
        return new LoadedList(EmbeddedDefault.load(), notes);
    }

    PinnedKeyring pinnedKeyring() throws ListRejectedException {
        if (keyring == null) {
            return EmbeddedDefault.keyring();
        }
        try {
            return PinnedKeyring.read(keyring);
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
            throw new ListRejectedException(Reason.UNREADABLE, "cannot read the " + what + " " + file + ": " + e);
        }
    }
}
