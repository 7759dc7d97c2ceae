package org.starttls.policyd.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.server.transport.TransportSettings;

/** Validates the {@code probe:} section into {@link ProbeSettings}; errors name the key. */
final class ProbeConfig {
    /** More probe threads than this would only queue on the network. */
    static final int MAX_CONCURRENT_PROBES = 256;

    /** Builds the error for a key, naming the configuration's origin. */
    @FunctionalInterface
    interface Errors {
        ConfigException error(String key, String reason);
    }

    private ProbeConfig() {
    }

    static ProbeSettings validate(PolicydConfig.ProbeSection p, TransportSettings transport, Errors errors)
            throws ConfigException {
        if (p.port < 1 || p.port > 65535) {
            throw errors.error("probe.port", p.port + " is not a port number (1-65535)");
        }
        if (p.maxConcurrentProbes < 1 || p.maxConcurrentProbes > MAX_CONCURRENT_PROBES) {
            throw errors.error("probe.max-concurrent-probes", p.maxConcurrentProbes + " is not between 1 and "
                    + MAX_CONCURRENT_PROBES);
        }
        long requestMillis = transport.requestTimeout().toMillis();
        if (p.waitMillis < 0 || p.waitMillis >= requestMillis) {
            throw errors.error("probe.wait-millis", p.waitMillis + " must be at least 0 and below"
                    + " limits.request-timeout-seconds (" + requestMillis + " ms): an answer must never wait that long");
        }
        return new ProbeSettings(p.enabled, resolver(p.resolver, errors), p.port, ehloName(p.ehloName, errors),
                Duration.ofSeconds(positive("probe.connect-timeout-seconds", p.connectTimeoutSeconds, errors)),
                Duration.ofSeconds(positive("probe.command-timeout-seconds", p.commandTimeoutSeconds, errors)),
                Duration.ofSeconds(positive("probe.probe-timeout-seconds", p.probeTimeoutSeconds, errors)),
                Duration.ofMinutes(positive("probe.good-lifetime-minutes", p.goodLifetimeMinutes, errors)),
                Duration.ofMinutes(positive("probe.bad-lifetime-minutes", p.badLifetimeMinutes, errors)),
                p.maxConcurrentProbes, Duration.ofMillis(p.waitMillis), trustStore(p.trustStore, errors));
    }

    static InetSocketAddress resolver(String text, Errors errors) throws ConfigException {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return ResolverAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw errors.error("probe.resolver", e.getMessage());
        }
    }

    private static String ehloName(String text, Errors errors) throws ConfigException {
        if (text == null || text.isBlank()) {
            try {
                return ProbeSettings.ehloName(InetAddress.getLocalHost().getHostName());
            } catch (UnknownHostException | IllegalArgumentException e) {
                return "localhost";
            }
        }
        try {
            return ProbeSettings.ehloName(text);
        } catch (IllegalArgumentException e) {
            throw errors.error("probe.ehlo-name", e.getMessage());
        }
    }

    private static Path trustStore(String text, Errors errors) throws ConfigException {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Path path = Path.of(text.strip());
            if (!Files.isReadable(path)) {
                throw errors.error("probe.trust-store", path + " is not a readable file");
            }
            return path;
        } catch (InvalidPathException e) {
            throw errors.error("probe.trust-store", "\"" + text + "\" is not a valid path");
        }
    }

    private static int positive(String key, int value, Errors errors) throws ConfigException {
        if (value <= 0) {
            throw errors.error(key, value + " must be greater than 0");
        }
        return value;
    }
}
