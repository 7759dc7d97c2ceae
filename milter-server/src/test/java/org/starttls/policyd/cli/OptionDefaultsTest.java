package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.probe.ProbeSettings;
import picocli.CommandLine;

/** policyctl's defaults are the daemon's: one source for each. */
class OptionDefaultsTest {
    private final CommandLine policyctl = PolicyCtl.commandLine(Clock.systemUTC());
    private final PolicydConfig config = new PolicydConfig();

    @Test
    void theAdminEndpointIsTheDaemonsDefault() {
        // --admin has no fixed default: it is computed as policyd computes admin.listen (AdminOptionsTest).
        assertEquals(config.admin.listen, org.starttls.policyd.server.admin.AdminDefaults.address().toString());
        assertEquals(null, option("status", "--admin"));
        assertEquals(null, option("reload", "--admin"));
    }

    @Test
    void updateInstallsWhereAndAsMuchAsTheDaemonDoes() {
        // update's --state-dir defaults to list.state-dir of --config, whose own default is this:
        assertEquals(Long.toString(config.list.maxBytes), option("update", "--max-bytes"));
        assertEquals(config.list.stateDir, org.starttls.policyd.fetcher.StateDirectory.DEFAULT_PATH.toString());
    }

    @Test
    void answerRulesAndProbesAreTheDaemonsDefaults() {
        assertEquals(config.policy.expiredList, option("lookup", "--expired-list"));
        assertEquals(config.policy.expiredList, policyctl.getSubcommands().get("export").getSubcommands().get("postfix")
                .getCommandSpec().findOption("--expired-list").defaultValue());
        assertEquals(Integer.toString(config.probe.port), option("probe", "--port"));
        assertEquals(ProbeSettings.DISABLED.ehloName(), option("probe", "--ehlo-name"));
    }

    @Test
    void noHelpSendsTheOperatorToTheDeprecatedResolverKey() {
        // probe.resolver is the old spelling of dns.resolver (policyd warns about it): help names the key to write.
        java.util.List<CommandLine> all = new java.util.ArrayList<>(java.util.List.of(policyctl));
        for (int i = 0; i < all.size(); i++) {
            CommandLine command = all.get(i);
            assertFalse(helpText(command).contains("probe.resolver"), command.getCommandName());
            all.addAll(command.getSubcommands().values());
        }
        assertTrue(all.size() > 10, "walked " + all.size() + " commands");
        assertTrue(helpText(policyctl.getSubcommands().get("lookup")).contains("dns.resolver"));
    }

    /** The command's description and its options', unwrapped (the usage message breaks lines after a dot). */
    private static String helpText(CommandLine command) {
        StringBuilder text = new StringBuilder(String.join(" ", command.getCommandSpec().usageMessage().description()));
        command.getCommandSpec().options().forEach(o -> text.append(' ').append(String.join(" ", o.description())));
        return text.toString();
    }

    private String option(String subcommand, String name) {
        return policyctl.getSubcommands().get(subcommand).getCommandSpec().findOption(name).defaultValue();
    }
}
