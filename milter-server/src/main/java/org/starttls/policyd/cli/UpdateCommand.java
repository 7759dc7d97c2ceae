package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.HttpListDownloader;
import org.starttls.policyd.fetcher.ListDiff;
import org.starttls.policyd.fetcher.ListSource;
import org.starttls.policyd.fetcher.ListUpdater;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.UpdateResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl update}: one fetch, verify and install now, with the same rules as policyd's refresh. */
@Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetch the list and its signature, verify them against the pinned key, refuse expired or "
                + "rolled-back lists, and install the pair atomically in the state directory.",
            "A running policyd picks the new list up at its next refresh; 'policyctl reload' or SIGHUP makes it "
                + "do so now."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Installed, or unchanged (the installed list is current).",
            "2:Invalid command line.",
            "3:Refused: the reason is printed, and the installed list is untouched.",
            "70:Internal error."})
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
            description = "Pinned public key(s) (default: the embedded EFF authority key).")
    Path keyring;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = StateDirectory.DEFAULT_PATH_NAME,
            description = "Where the list is installed (default: ${DEFAULT-VALUE}).")
    Path stateDir;

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
        ListUpdater updater = new ListUpdater(listSource(),
                new HttpListDownloader(FetchSettings.DEFAULTS.withMaxListBytes(maxBytes)),
                new ListVerifier(keys.pinnedKeyring()), new StateDirectory(stateDir), clock);
        UpdateResult result = updater.update();
        print(result);
        return result instanceof UpdateResult.Refused ? ExitCodes.LIST_REFUSED : ExitCodes.OK;
    }

    private ListSource listSource() {
        if (source.url != null) {
            return signatureUrl != null ? ListSource.url(source.url, signatureUrl) : ListSource.url(source.url);
        }
        return signatureFile != null ? ListSource.files(source.file, signatureFile) : ListSource.files(source.file);
    }

    private void print(UpdateResult result) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("result", result instanceof UpdateResult.Installed ? "installed"
                    : result instanceof UpdateResult.Unchanged ? "unchanged" : "refused");
            node.put("detail", result.describe());
            if (result instanceof UpdateResult.Refused) {
                node.put("reason", ((UpdateResult.Refused) result).reason().name());
            }
            if (result instanceof UpdateResult.Installed) {
                ListDiff diff = ((UpdateResult.Installed) result).diff();
                node.putPOJO("added", diff.added());
                node.putPOJO("removed", diff.removed());
                node.putPOJO("changed", diff.changed());
            }
            out.println(JSON.writeValueAsString(node));
        } else if (result instanceof UpdateResult.Refused) {
            err.println("REFUSED: " + result.describe());
            err.println("The installed list in " + stateDir + " was not changed.");
        } else {
            out.println(result.describe());
            if (result instanceof UpdateResult.Installed) {
                printDiff(out, ((UpdateResult.Installed) result).diff());
            }
        }
        out.flush();
        err.flush();
    }

    private static void printDiff(PrintWriter out, ListDiff diff) {
        diff.added().forEach(domain -> out.println("  + " + domain));
        diff.removed().forEach(domain -> out.println("  - " + domain));
        diff.changed().forEach(domain -> out.println("  ~ " + domain));
    }
}
