package org.starttls.policyd.cli;

import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.server.config.SettingNames;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The answer rules a subcommand applies as policyd would: policyd's testing-domains and expired-list. */
final class AnswerRuleOptions {
    @Option(names = "--early-adopter",
            description = "Treat testing-mode domains as enforce (EFF's early adopter; policyd's testing-domains: enforce).")
    boolean earlyAdopter;

    @Option(names = "--expired-list", paramLabel = "WHAT", defaultValue = SettingNames.DEFAULT_EXPIRED_LIST,
            description = "What an expired list does, as policyd's expired-list setting: "
                    + SettingNames.EXPIRED_LIST_CHOICES + " (default: ${DEFAULT-VALUE}, EFF's rule).")
    String expiredList;

    /** The engine rules these options name; a bad --expired-list is a usage error (exit 2). */
    EngineSettings engineSettings(CommandLine cli) {
        ExpiredList rule = SettingNames.expiredList(expiredList);
        if (rule == null) {
            throw new ParameterException(cli,
                    "--expired-list: \"" + expiredList + "\" is not " + SettingNames.EXPIRED_LIST_CHOICES);
        }
        return new EngineSettings(earlyAdopter ? TestingDomains.ENFORCE : TestingDomains.REPORT_ONLY, rule);
    }
}
