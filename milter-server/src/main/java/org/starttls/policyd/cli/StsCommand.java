package org.starttls.policyd.cli;

import java.time.Clock;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code policyctl sts ...}: one's own MTA-STS publication. */
@Command(name = "sts", mixinStandardHelpOptions = true,
        description = "Your own domain's MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) publication: publish writes it, "
                + "check verifies what senders see.")
final class StsCommand {
    /** {@code sts} with {@code publish} and {@code check}; {@code fetch}: the policy fetch's limits (port 443 but in tests). */
    static CommandLine withSubcommands(Clock clock, CommandLine.IFactory factory, StsFetchSettings fetch) {
        return new CommandLine(new StsCommand(), factory)
                .addSubcommand(new StsPublishCommand(clock, fetch))
                .addSubcommand(new StsCheckCommand(clock, fetch));
    }
}
