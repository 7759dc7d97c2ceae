package org.starttls.policyd.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.sts.PolicyHostTrust;
import org.starttls.policyd.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of an MTA-STS publication check: which resolver and which trust anchors stand in
 * for a sender's (by default the ones policyd itself uses: dns.* and mta-sts.trust-store of
 * {@code --config}, else the system's resolvers and the JDK's trust store), and {@code --json}.
 */
final class StsCheckOptions {
    @Option(names = "--resolver", paramLabel = "IP[:PORT]",
            description = "DNS server to ask (default: dns.resolver of --config, else the system's resolvers).")
    String resolver;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PEM bundle of the CAs the policy host's certificate must chain to (default: "
                    + "mta-sts.trust-store of --config, else the JDK's trust store, as senders use the public CAs).")
    Path trustStore;

    @Option(names = "--json", description = "Print one JSON object with every check, for scripts.")
    boolean json;

    @Mixin
    ConfigOptions config;

    boolean given(CommandLine cli) {
        CommandLine.ParseResult parsed = cli.getParseResult();
        return parsed.hasMatchedOption("--resolver") || parsed.hasMatchedOption("--trust-store")
                || parsed.hasMatchedOption("--json") || parsed.hasMatchedOption("--config");
    }

    DnsSettings dns(CommandLine cli) throws ConfigException {
        DnsSettings configured = config.settings().dns();
        try {
            return ResolverOption.apply(configured, resolver);
        } catch (ConfigException e) {
            throw new ParameterException(cli, e.getMessage()); // the option's own mistake: exit 2, as --trust-store's
        }
    }

    PolicyHostTrust trust(CommandLine cli) throws ConfigException {
        if (trustStore != null) {
            try {
                return PolicyHostTrust.pemBundle(trustStore);
            } catch (IOException e) {
                throw new ParameterException(cli, "--trust-store: " + IoErrors.describe(e));
            }
        }
        Path configured = config.settings().mtaSts().trustStore();
        try {
            return configured == null ? PolicyHostTrust.jdkDefault() : PolicyHostTrust.pemBundle(configured);
        } catch (IOException e) {
            throw new ConfigException("mta-sts.trust-store: " + IoErrors.describe(e));
        }
    }
}
