package org.starttls.policyd.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.fetcher.sts.DnsStsRecordSource;
import org.starttls.policyd.fetcher.sts.HttpsStsPolicySource;
import org.starttls.policyd.fetcher.sts.PolicyHostTrust;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.server.check.EligibilityCheck;
import org.starttls.policyd.server.probe.DomainProber;
import org.starttls.policyd.server.probe.ProbeSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of {@code check} and {@code list build}: the probe's ({@code --resolver},
 * {@code --port}, {@code --trust-store}, {@code --timeout}, {@code --ehlo-name}) and the HTTPS port
 * of the MTA-STS policy hosts. Opens the check on one DNS client for every lookup.
 */
final class CheckOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--resolver", paramLabel = "IP[:PORT]",
            description = "DNS server to ask for MX, TLSA, MTA-STS and addresses (default: dns.resolver of --config "
                    + "where the command reads one, else the system's resolvers).")
    String resolver;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ProbeSettings.DEFAULT_PORT,
            description = "SMTP port probed on each MX (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PEM bundle of trusted CA certificates, for the MXes' certificates and the MTA-STS policy "
                    + "hosts (default: probe.trust-store and mta-sts.trust-store of --config where the command reads "
                    + "one, else the JDK's trust store).")
    Path trustStore;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Limit for each connect, reply and DNS query; one MX or one MTA-STS policy fetch gets twice "
                    + "this (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--ehlo-name", paramLabel = "NAME", defaultValue = ProbeSettings.DEFAULT_EHLO_NAME,
            description = "Name sent in EHLO (default: ${DEFAULT-VALUE}).")
    String ehloName;

    @Option(names = "--sts-port", paramLabel = "PORT", defaultValue = "" + StsFetchSettings.HTTPS_PORT,
            description = "HTTPS port of the mta-sts.DOMAIN policy hosts (default: ${DEFAULT-VALUE}, as RFC 8461 "
                    + "says; another only for a test setup).")
    int stsPort;

    /**
     * The check, open until closed. The configuration's values (each may be null) stand in for
     * options not given: {@code dns.resolver}, {@code mta-sts.trust-store} for the policy hosts,
     * {@code probe.trust-store} for the MXes.
     */
    OpenCheck open(InetSocketAddress configResolver, Path configTrust, Path configProbeTrust, Clock clock) {
        ProbeSettings settings = settings(configResolver, configProbeTrust);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Path policyTrust = trustStore != null ? trustStore : configTrust;
        PolicyHostTrust trust;
        DomainProber prober;
        try {
            trust = policyTrust == null ? PolicyHostTrust.jdkDefault() : PolicyHostTrust.pemBundle(policyTrust);
            prober = DomainProber.create(settings, clock);
        } catch (IOException | RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--trust-store: " + e.getMessage());
        }
        HttpsStsPolicySource policies = new HttpsStsPolicySource(prober.dnsClient(), trust, StsFetchSettings.defaults()
                .withPort(stsPort).withConnectTimeout(timeout).withDeadline(timeout.multipliedBy(2)));
        EligibilityCheck check = new EligibilityCheck(prober, new DnsStsRecordSource(prober.dnsClient()), policies, clock);
        return new OpenCheck(check, prober, policies);
    }

    private ProbeSettings settings(InetSocketAddress configResolver, Path configProbeTrust) {
        for (int value : new int[] {port, stsPort}) {
            if (value < 1 || value > 65535) {
                throw new ParameterException(spec.commandLine(), value + " is not a port number");
            }
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 300) {
            throw new ParameterException(spec.commandLine(), "--timeout: must be 1 to 300 seconds");
        }
        try {
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            return ProbeSettings.DISABLED.withEnabled(true).withPort(port).withEhloName(ehloName)
                    .withResolver(resolver == null ? configResolver : ResolverAddress.parse(resolver))
                    .withTrustStore(trustStore != null ? trustStore : configProbeTrust)
                    .withTimeouts(timeout, timeout, timeout.multipliedBy(2));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** A check and what it holds open. */
    record OpenCheck(EligibilityCheck check, DomainProber prober, HttpsStsPolicySource policies) implements AutoCloseable {
        @Override
        public void close() {
            policies.close();
            prober.close();
        }
    }
}
