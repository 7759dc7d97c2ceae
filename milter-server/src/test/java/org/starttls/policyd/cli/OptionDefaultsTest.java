package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private String option(String subcommand, String name) {
        return policyctl.getSubcommands().get(subcommand).getCommandSpec().findOption(name).defaultValue();
    }
}
