package org.starttls.policyd.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.server.transport.TransportSettings;

/** Validates the {@code probe:} section into {@link ProbeSettings}; errors name the key. */
final class ProbeConfig {
    /** More probe threads than this would only queue on the network. */
    static final int MAX_CONCURRENT_PROBES = 256;
    static final int DNS_PORT = 53;

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

    /** An IP address, optionally with a port ({@code 192.0.2.53}, {@code 127.0.0.1:5353}, {@code [::1]:53}). */
    static InetSocketAddress resolver(String text, Errors errors) throws ConfigException {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        String host = value;
        int port = DNS_PORT;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw errors.error("probe.resolver", "\"" + text + "\" has no closing ']'");
            }
            host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                port = port(rest.startsWith(":") ? rest.substring(1) : "", text, errors);
            }
        } else if (value.indexOf(':') == value.lastIndexOf(':') && value.indexOf(':') > 0) {
            host = value.substring(0, value.indexOf(':'));
            port = port(value.substring(value.indexOf(':') + 1), text, errors);
        }
        // A literal only: resolving the resolver's name would need a resolver.
        if (!host.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            throw errors.error("probe.resolver", "\"" + text + "\" is not an IP address (a name would need DNS itself)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw errors.error("probe.resolver", "\"" + text + "\" is not an IP address");
        }
    }

    private static int port(String text, String whole, Errors errors) throws ConfigException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw errors.error("probe.resolver", "\"" + whole + "\" has no valid port");
    }

    private static String ehloName(String text, Errors errors) throws ConfigException {
        if (text == null || text.isBlank()) {
            try {
                return DomainName.normalize(InetAddress.getLocalHost().getHostName());
            } catch (UnknownHostException | InvalidNameException e) {
                return "localhost";
            }
        }
        try {
            return DomainName.normalize(text.strip());
        } catch (InvalidNameException e) {
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
