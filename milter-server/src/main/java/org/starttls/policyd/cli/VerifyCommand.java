package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.list.PolicyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl verify --signature FILE --keyring FILE LIST}: check a list before trusting it. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Verify a list's OpenPGP signature against the pinned key and validate its content; "
                + "print the signer, the signature time and the counts of domains by mode.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:The list verified and is valid (an expired list still verifies; the output says so).",
            "2:Invalid command line.",
            "3:The list was refused: the reason is printed.",
            "70:Internal error.",
            "74:A file could not be read.",
            "78:The configuration file is missing or invalid."})
final class VerifyCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--signature", paramLabel = "FILE",
            description = "Detached OpenPGP signature (default: LIST + .asc).")
    Path signature;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Pinned public key(s), armored or binary (default: the keys policyd would use: list.keyring "
                    + "of --config, else the keyring recorded in its state directory, else the embedded EFF key).")
    Path keyring;

    @Mixin
    ConfigOptions config;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Parameters(index = "0", paramLabel = "LIST", description = "The list file to verify.")
    Path list;

    private final Clock clock;

    VerifyCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        // The same candidate-list path as every other subcommand's --list/--signature/--keyring.
        ListOptions options = new ListOptions();
        options.list = list;
        options.signature = signature;
        options.keyring = keyring;
        options.config = config;
        ListOptions.LoadedList loaded = options.load();
        VerifiedList verified = loaded.verified();
        PrintWriter out = spec.commandLine().getOut();
        loaded.notes().forEach(note -> spec.commandLine().getErr().println("NOTE: " + note));
        boolean expired = verified.list().isExpiredAt(clock.instant());
        if (json) {
            ObjectNode node = ListDescription.toJson(verified);
            node.put("verified", true);
            node.put("expired", expired);
            node.put("domains", verified.list().size());
            node.put("enforce", verified.list().count(PolicyMode.ENFORCE));
            node.put("testing", verified.list().count(PolicyMode.TESTING));
            out.println(JSON.writeValueAsString(node));
        } else {
            out.println("OK: signature verified and list valid");
            out.println(ListDescription.of(verified, clock));
            if (expired) {
                out.println("WARNING: this list has expired; policyd would enforce nothing from it by default");
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
