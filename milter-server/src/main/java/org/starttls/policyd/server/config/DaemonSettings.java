package org.starttls.policyd.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.answer.HeaderField;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The daemon's settings, typed and validated: what {@link PolicydConfig} says after every value
 * was checked. A bad value is refused with the file, the key and the reason.
 *
 * @param source where the list comes from
 * @param engine how list entries become answers
 * @param socketmap the socketmap door, or null when disabled
 * @param policyService the policy delegation door, or null when disabled
 * @param milter the milter door, or null when disabled
 * @param admin the admin endpoint's address, or null when disabled
 * @param transport connection limits and timeouts shared by the doors
 * @param metrics the loopback address of the /metrics and /health HTTP endpoint, or null when disabled
 * @param probe downgrade detection ({@link ProbeSettings#DISABLED} unless the admin opts in)
 */
public record DaemonSettings(ListSettings source, EngineSettings engine, SocketmapDoor socketmap,
        PolicyDoor policyService, MilterDoor milter, ListenAddress admin, TransportSettings transport,
        ListenAddress metrics, ProbeSettings probe) {

    public DaemonSettings {
        Objects.requireNonNull(probe, "probe");
    }

    /** Settings without the metrics endpoint and without downgrade detection. */
    public DaemonSettings(ListSettings source, EngineSettings engine, SocketmapDoor socketmap,
            PolicyDoor policyService, MilterDoor milter, ListenAddress admin, TransportSettings transport) {
        this(source, engine, socketmap, policyService, milter, admin, transport, null, ProbeSettings.DISABLED);
    }

    /**
     * Where the list comes from and how it is refreshed.
     *
     * @param whileUnverified what answers while a source is configured and no list from it verified
     */
    public record ListSettings(URI url, URI signatureUrl, Path file, Path signatureFile, Path keyring,
            Path stateDir, Duration refreshInterval, long maxBytes, Duration timeout, WhileUnverified whileUnverified) {
        /** Whether a source other than the embedded list is configured. */
        public boolean hasSource() {
            return url != null || file != null;
        }
    }

    /** {@code list.while-unverified}: what the doors answer while no list from the configured source verified. */
    public enum WhileUnverified {
        /** Every lookup is a tempfail ({@code TEMP}, {@code DEFER_IF_PERMIT 4.3.0}, {@code 451 4.3.0}): fails safe. */
        TEMPFAIL,
        /** The embedded default list answers (it expired in 2020, so by default it enforces nothing). */
        EMBEDDED_DEFAULT
    }

    /**
     * The socketmap door: address, default map settings, named maps, and its transport (the shared
     * limits plus its unix socket's mode and group).
     */
    public record SocketmapDoor(ListenAddress listen, SocketmapMapSettings defaults,
            Map<String, SocketmapMapSettings> named, TransportSettings transport) {
        public SocketmapDoor(ListenAddress listen, SocketmapMapSettings defaults, Map<String, SocketmapMapSettings> named) {
            this(listen, defaults, named, TransportSettings.DEFAULTS);
        }
    }

    /** The policy delegation door, with its transport as for {@link SocketmapDoor}. */
    public record PolicyDoor(ListenAddress listen, PolicyServiceSettings settings, TransportSettings transport) {
        public PolicyDoor(ListenAddress listen, PolicyServiceSettings settings) {
            this(listen, settings, TransportSettings.DEFAULTS);
        }
    }

    /** The milter door, with its transport as for {@link SocketmapDoor}. */
    public record MilterDoor(ListenAddress listen, String headerName, TransportSettings transport) {
        public MilterDoor(ListenAddress listen, String headerName) {
            this(listen, headerName, TransportSettings.DEFAULTS);
        }

        /** Whether the door adds a header at end of message. */
        public boolean tagging() {
            return headerName != null && !headerName.isEmpty();
        }
    }

    /** Validates {@code config} (read from {@code file}, or built from flags when null). */
    public static DaemonSettings from(PolicydConfig config, Path file) throws ConfigException {
        return new Validator(file == null ? "command line" : file.toString()).validate(config);
    }

    /** The shortest refresh interval accepted, in hours: a list changes daily at most. */
    public static final double MIN_REFRESH_HOURS = 0.25;

    /** Checks one value at a time, naming the file and key in errors. */
    private static final class Validator {
        private final String origin;

        Validator(String origin) {
            this.origin = origin;
        }

        DaemonSettings validate(PolicydConfig c) throws ConfigException {
            EngineSettings engine = new EngineSettings(
                    testingDomains("policy.testing-domains", c.policy.testingDomains),
                    expiredList("policy.expired-list", c.policy.expiredList));
            TransportSettings transport = TransportSettings.DEFAULTS
                    .withMaxConnections(positive("limits.max-connections", c.limits.maxConnections))
                    .withIdleTimeout(Duration.ofSeconds(positive("limits.idle-timeout-seconds", c.limits.idleTimeoutSeconds)))
                    .withRequestTimeout(Duration.ofSeconds(
                            positive("limits.request-timeout-seconds", c.limits.requestTimeoutSeconds)));
            return new DaemonSettings(listSettings(c.list), engine, socketmap(c.socketmap, engine, transport),
                    policyDoor(c.policyService, transport), milterDoor(c.milter, transport), admin(c.admin), transport,
                    metrics(c.metrics), ProbeConfig.validate(c.probe, transport, this::error));
        }

        private ListSettings listSettings(PolicydConfig.ListSection l) throws ConfigException {
            URI url = uri("list.url", l.url);
            URI signatureUrl = uri("list.signature-url", l.signatureUrl);
            Path file = path("list.file", l.file);
            Path signatureFile = path("list.signature-file", l.signatureFile);
            if (url != null && file != null) {
                throw error("list.url and list.file", "give one list source, not both");
            }
            if (signatureUrl != null && url == null) {
                throw error("list.signature-url", "needs list.url");
            }
            if (signatureFile != null && file == null) {
                throw error("list.signature-file", "needs list.file");
            }
            if (!(l.refreshHours >= MIN_REFRESH_HOURS && l.refreshHours <= 24 * 7)) {
                throw error("list.refresh-hours", l.refreshHours + " is not between " + MIN_REFRESH_HOURS
                        + " (15 minutes) and 168 hours (EFF asks clients to fetch at least every 48 hours;"
                        + " more often than every 15 minutes only loads the list's server)");
            }
            if (l.maxBytes < 1024 || l.maxBytes > 1024L * 1024 * 1024) {
                throw error("list.max-bytes", l.maxBytes + " is not between 1024 and 1073741824");
            }
            Path stateDir = path("list.state-dir", l.stateDir);
            if (stateDir == null) {
                throw error("list.state-dir", "must not be empty");
            }
            return new ListSettings(url, signatureUrl, file, signatureFile, path("list.keyring", l.keyring), stateDir,
                    Duration.ofSeconds(Math.round(l.refreshHours * 3600)), l.maxBytes,
                    Duration.ofSeconds(positive("list.timeout-seconds", l.timeoutSeconds)),
                    whileUnverified("list.while-unverified", l.whileUnverified));
        }

        private SocketmapDoor socketmap(PolicydConfig.SocketmapSection s, EngineSettings engine, TransportSettings transport)
                throws ConfigException {
            if (!s.enabled) {
                return null;
            }
            SocketmapMapSettings defaults = SocketmapMapSettings.DEFAULTS.withEngineSettings(engine)
                    .withServername(s.servername);
            Map<String, SocketmapMapSettings> named = new TreeMap<>();
            for (Map.Entry<String, PolicydConfig.MapSection> entry : s.maps.entrySet()) {
                String key = "socketmap.maps." + entry.getKey();
                if (entry.getKey().isEmpty() || entry.getKey().chars().anyMatch(ch -> ch <= ' ' || ch == ':')) {
                    throw error(key, "a map name cannot be empty or contain spaces or ':'");
                }
                PolicydConfig.MapSection m = entry.getValue() == null ? new PolicydConfig.MapSection() : entry.getValue();
                EngineSettings mapEngine = new EngineSettings(
                        m.testingDomains == null ? engine.testingDomains()
                                : testingDomains(key + ".testing-domains", m.testingDomains),
                        m.expiredList == null ? engine.expiredList() : expiredList(key + ".expired-list", m.expiredList));
                named.put(entry.getKey(), defaults.withEngineSettings(mapEngine)
                        .withServername(m.servername == null ? s.servername : m.servername));
            }
            ListenAddress listen = listen("socketmap.listen", s.listen);
            return new SocketmapDoor(listen, defaults, named,
                    socketFile("socketmap", listen, s.socketMode, s.socketGroup, transport));
        }

        private PolicyDoor policyDoor(PolicydConfig.PolicyServiceSection p, TransportSettings transport)
                throws ConfigException {
            if (!p.enabled) {
                return null;
            }
            String header = p.prependHeader == null ? "" : p.prependHeader.strip();
            PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.withTagHeader(!header.isEmpty());
            if (!header.isEmpty()) {
                settings = settings.withHeaderName(headerName("policy-service.prepend-header", header));
            }
            ListenAddress listen = listen("policy-service.listen", p.listen);
            return new PolicyDoor(listen, settings,
                    socketFile("policy-service", listen, p.socketMode, p.socketGroup, transport));
        }

        private MilterDoor milterDoor(PolicydConfig.MilterSection m, TransportSettings transport) throws ConfigException {
            if (!m.enabled) {
                return null;
            }
            String header = m.addHeader == null ? "" : m.addHeader.strip();
            ListenAddress listen = listen("milter.listen", m.listen);
            return new MilterDoor(listen, header.isEmpty() ? "" : headerName("milter.add-header", header),
                    socketFile("milter", listen, m.socketMode, m.socketGroup, transport));
        }

        /** A door's transport: the shared limits, and for a unix socket its file's mode and group. */
        private TransportSettings socketFile(String section, ListenAddress listen, String mode, String group,
                TransportSettings transport) throws ConfigException {
            if (!listen.isUnix()) {
                if (mode != null) {
                    throw error(section + ".socket-mode", "applies only to a unix:/path listen address");
                }
                if (group != null) {
                    throw error(section + ".socket-group", "applies only to a unix:/path listen address");
                }
                return transport;
            }
            TransportSettings door;
            try {
                door = transport.withUnixSocketMode(TransportSettings.parseMode(
                        mode == null ? TransportSettings.DEFAULT_DOOR_SOCKET_MODE : mode.strip()));
            } catch (IllegalArgumentException e) {
                throw error(section + ".socket-mode", e.getMessage());
            }
            if (group == null || group.isBlank()) {
                return door;
            }
            try {
                java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.strip());
            } catch (java.io.IOException e) {
                throw error(section + ".socket-group", "there is no group \"" + group.strip() + "\"");
            }
            return door.withUnixSocketGroup(group.strip());
        }

        private ListenAddress admin(PolicydConfig.AdminSection a) throws ConfigException {
            if (!a.enabled) {
                return null;
            }
            ListenAddress address = listen("admin.listen", a.listen);
            if (!address.isUnix() && !isLoopback(address.host())) {
                throw error("admin.listen", "must be a loopback address or a unix socket: the endpoint can reload policyd");
            }
            return address;
        }

        private ListenAddress metrics(PolicydConfig.MetricsSection m) throws ConfigException {
            if (!m.enabled) {
                return null;
            }
            ListenAddress address = listen("metrics.listen", m.listen);
            if (address.isUnix() || !isLoopback(address.host())) {
                throw error("metrics.listen", "must be a loopback HOST:PORT (e.g. 127.0.0.1:9464): the endpoint is "
                        + "plain HTTP without authentication");
            }
            return address;
        }

        private static boolean isLoopback(String host) {
            return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
        }

        private String headerName(String key, String name) throws ConfigException {
            if (!HeaderField.isName(name)) {
                throw error(key, "\"" + name + "\" is not a valid header field name");
            }
            return name;
        }

        private ListenAddress listen(String key, String text) throws ConfigException {
            try {
                return ListenAddress.parse(Objects.requireNonNullElse(text, ""));
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        private WhileUnverified whileUnverified(String key, String text) throws ConfigException {
            WhileUnverified value = SettingNames.whileUnverified(text);
            if (value == null) {
                throw error(key, "\"" + text + "\" is not " + SettingNames.WHILE_UNVERIFIED_CHOICES);
            }
            return value;
        }

        private TestingDomains testingDomains(String key, String text) throws ConfigException {
            TestingDomains value = SettingNames.testingDomains(text);
            if (value == null) {
                throw error(key, "\"" + text + "\" is not " + SettingNames.TESTING_DOMAINS_CHOICES);
            }
            return value;
        }

        private ExpiredList expiredList(String key, String text) throws ConfigException {
            ExpiredList value = SettingNames.expiredList(text);
            if (value == null) {
                throw error(key, "\"" + text + "\" is not " + SettingNames.EXPIRED_LIST_CHOICES);
            }
            return value;
        }

        private int positive(String key, int value) throws ConfigException {
            if (value <= 0) {
                throw error(key, value + " must be greater than 0");
            }
            return value;
        }

        private URI uri(String key, String text) throws ConfigException {
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                URI uri = new URI(text.strip());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                    throw error(key, "\"" + text + "\" is not an http:// or https:// URL");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw error(key, "\"" + text + "\" is not a URL: " + e.getReason());
            }
        }

        private Path path(String key, String text) throws ConfigException {
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                return Path.of(text.strip());
            } catch (java.nio.file.InvalidPathException e) {
                throw error(key, "\"" + text + "\" is not a valid path");
            }
        }

        ConfigException error(String key, String reason) {
            return new ConfigException(origin + ": " + key + ": " + reason);
        }
    }
}
