package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** README's policyctl synopsis names every subcommand policyctl has, and the publishing commands' options (check included). */
class ReadmeCommandsTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void everySubcommandHasASynopsisLine() throws Exception {
        String readme = Files.readString(README);
        for (String command : leafCommands(PolicyCtl.commandLine(Clock.systemUTC()), "policyctl")) {
            assertTrue(readme.contains("\n" + command + " "), "README.md has no synopsis line for '" + command + "'");
        }
    }

    @Test
    void thePublishingCommandsListEveryOption() throws Exception {
        List<String> lines = Files.readAllLines(README);
        CommandLine policyctl = PolicyCtl.commandLine(Clock.systemUTC());
        CommandLine list = policyctl.getSubcommands().get("list");
        for (Map.Entry<String, CommandLine> entry : Map.of("policyctl keygen", policyctl.getSubcommands().get("keygen"),
                "policyctl list sign", list.getSubcommands().get("sign"),
                "policyctl list build", list.getSubcommands().get("build"),
                "policyctl check", policyctl.getSubcommands().get("check")).entrySet()) {
            String synopsis = synopsis(lines, entry.getKey());
            for (OptionSpec option : entry.getValue().getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                assertTrue(synopsis.contains(option.longestName()), entry.getKey() + ": README lacks "
                        + option.longestName() + " in: " + synopsis);
            }
        }
    }

    @Test
    void theDaemonAndMtaCommandsListEveryOption() throws Exception {
        // export and probe take "list options", spelled out once below the synopsis; sts publish's
        // --check options are in its "(also: ...)" line: both are left to the reader here.
        List<String> lines = Files.readAllLines(README);
        CommandLine policyctl = PolicyCtl.commandLine(Clock.systemUTC());
        for (String name : List.of("lookup", "verify", "update", "status", "reload", "doctor", "tls-setup")) {
            assertEveryOptionIn(synopsis(lines, "policyctl " + name), policyctl.getSubcommands().get(name), name);
        }
        assertEveryOptionIn(synopsis(lines, "policyctl sts check"),
                policyctl.getSubcommands().get("sts").getSubcommands().get("check"), "sts check");
    }

    private static void assertEveryOptionIn(String synopsis, CommandLine command, String name) {
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                assertTrue(synopsis.contains(option.longestName() + " ") || synopsis.contains(option.longestName() + "]"),
                        "policyctl " + name + ": README lacks " + option.longestName() + " in: " + synopsis);
            }
        }
    }

    /** The synopsis line of {@code command} and the indented lines that continue it. */
    private static String synopsis(List<String> lines, String command) {
        int first = -1;
        for (int i = 0; i < lines.size() && first < 0; i++) {
            if (lines.get(i).startsWith(command + " ")) {
                first = i;
            }
        }
        if (first < 0) {
            throw new AssertionError("no synopsis for " + command);
        }
        StringBuilder synopsis = new StringBuilder(lines.get(first));
        for (int i = first + 1; i < lines.size() && lines.get(i).startsWith(" "); i++) {
            synopsis.append(' ').append(lines.get(i).strip());
        }
        return synopsis.toString();
    }

    private static List<String> leafCommands(CommandLine cli, String prefix) {
        List<String> result = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            String name = prefix + " " + sub.getKey();
            if (sub.getValue().getSubcommands().isEmpty()) {
                result.add(name);
            } else {
                result.addAll(leafCommands(sub.getValue(), name));
            }
        }
        return result;
    }
}
