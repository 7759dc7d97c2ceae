package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.HttpListDownloader;
import org.starttls.policyd.fetcher.ListDiff;
import org.starttls.policyd.fetcher.ListSource;
import org.starttls.policyd.fetcher.ListUpdater;
import org.starttls.policyd.fetcher.KeyringChoice;
import org.starttls.policyd.fetcher.RefusalReason;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.UpdateResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl update}: one fetch, verify and install now, with the same rules as policyd's refresh. */
@Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetch the list and its signature, verify them against the pinned key, refuse expired or "
                + "rolled-back lists, and install the pair atomically in the state directory.",
            "A running policyd picks the new list up at its next refresh; 'policyctl reload' or SIGHUP makes it "
                + "do so now.",
            "The keyring the list verified under is recorded with it, so later readers (policyd, policyctl lookup) "
                + "that name no keyring use the same keys. Run as root into a state directory another user owns "
                + "(the daemon's), the files written are given to that user."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Installed, or unchanged (the installed list is current).",
            "2:Invalid command line.",
            "3:Refused: the reason is printed, and the installed list is untouched.",
            "70:Internal error.",
            "78:The configuration file is missing or invalid."})
final class UpdateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Exactly one source: a URL or a local file. */
    static final class Source {
        @Option(names = "--url", paramLabel = "URL", required = true,
                description = "Fetch the list from this http(s) URL.")
        URI url;

        @Option(names = "--list", paramLabel = "FILE", required = true, description = "Install this local list file.")
        Path file;
    }

    @Option(names = "--signature-url", paramLabel = "URL", description = "Signature URL (default: --url + .asc).")
    URI signatureUrl;

    @Option(names = "--signature", paramLabel = "FILE", description = "Signature of --list (default: + .asc).")
    Path signatureFile;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Pinned public key(s) (default: list.keyring of --config, else the keyring recorded with the "
                    + "installed list, else the embedded EFF authority key). Other keys than the recorded ones are a "
                    + "key rotation: the list must be signed by the new keys, which are recorded with it.")
    Path keyring;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the list is installed (default: list.state-dir of --config, "
                    + StateDirectory.DEFAULT_PATH_NAME + ").")
    Path stateDir;

    @Mixin
    ConfigOptions config;

    @Option(names = "--max-bytes", paramLabel = "BYTES", defaultValue = "" + FetchSettings.DEFAULT_MAX_LIST_BYTES,
            description = "Largest list accepted (default: ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    private final Clock clock;

    UpdateCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        ListOptions keys = new ListOptions();
        keys.keyring = keyring;
        keys.config = config;
        Path dir = stateDir != null ? stateDir : config.stateDir();
        StateDirectory state = new StateDirectory(dir);
        PinnedKeyring named = keys.namedKeyring();
        KeyringChoice choice = KeyringChoice.choose(named, state);
        if (choice.problem() != null && named == null) {
            throw new ListRejectedException(ListRejectedException.Reason.UNREADABLE, choice.problem()
                    + "; name the keyring the list is signed by with --keyring (or list.keyring)");
        }
        List<String> notes = new ArrayList<>();
        ListOptions.noteRotation(choice, notes);
        notes.forEach(note -> spec.commandLine().getErr().println("NOTE: " + note));
        ListUpdater updater = new ListUpdater(listSource(),
                new HttpListDownloader(FetchSettings.DEFAULTS.withMaxListBytes(maxBytes)),
                new ListVerifier(choice.keyring()), state, clock);
        UpdateResult result = updater.update();
        print(result, choice, dir);
        return result instanceof UpdateResult.Refused ? ExitCodes.LIST_REFUSED : ExitCodes.OK;
    }

    private ListSource listSource() {
        if (source.url != null) {
            return signatureUrl != null ? ListSource.url(source.url, signatureUrl) : ListSource.url(source.url);
        }
        return signatureFile != null ? ListSource.files(source.file, signatureFile) : ListSource.files(source.file);
    }

    private void print(UpdateResult result, KeyringChoice choice, Path dir) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("result", result instanceof UpdateResult.Installed ? "installed"
                    : result instanceof UpdateResult.Unchanged ? "unchanged" : "refused");
            node.put("detail", result.describe());
            if (result instanceof UpdateResult.Refused) {
                node.put("reason", ((UpdateResult.Refused) result).reason().wireName());
            }
            node.put("keyring", choice.description());
            node.putPOJO("keyring_fingerprints", choice.keyring().primaryFingerprints());
            node.put("key_rotation", choice.rotation());
            if (result instanceof UpdateResult.Installed) {
                ListDiff diff = ((UpdateResult.Installed) result).diff();
                node.putPOJO("added", diff.added());
                node.putPOJO("removed", diff.removed());
                node.putPOJO("changed", diff.changed());
            }
            out.println(JSON.writeValueAsString(node));
        } else if (result instanceof UpdateResult.Refused) {
            err.println("REFUSED: " + result.describe());
            err.println("The installed list in " + dir + " was not changed.");
            String hint = ownerHint(dir, (UpdateResult.Refused) result);
            if (hint != null) {
                err.println(hint);
            }
        } else {
            out.println(result.describe());
            if (result instanceof UpdateResult.Installed) {
                printDiff(out, ((UpdateResult.Installed) result).diff());
            }
        }
        out.flush();
        err.flush();
    }

    /** For a state directory this user may not write: the command that writes as its owner. */
    private static String ownerHint(Path dir, UpdateResult.Refused refused) {
        if (refused.reason() != RefusalReason.STATE_DIRECTORY || !refused.describe().contains("permission denied")) {
            return null;
        }
        try {
            String owner = Files.getOwner(dir).getName();
            return "Run it as the directory's owner: sudo -u " + owner + " policyctl update ...";
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void printDiff(PrintWriter out, ListDiff diff) {
        diff.added().forEach(domain -> out.println("  + " + domain));
        diff.removed().forEach(domain -> out.println("  - " + domain));
        diff.changed().forEach(domain -> out.println("  ~ " + domain));
    }
}
