package org.starttls.policyd.cli;

import picocli.CommandLine.Command;

/** {@code policyctl sts ...}: one's own MTA-STS publication. */
@Command(name = "sts", mixinStandardHelpOptions = true,
        description = "Your own domain's MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) publication.")
final class StsCommand {
}
