package org.starttls.policyd.server.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.engine.TestingDomains;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.answer.HeaderField;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.fetcher.sts.StsSettings;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
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
 * @param dns the resolver of MTA-STS and the probe ({@code dns.*})
 * @param mtaSts live MTA-STS
 * @param warnings what the configuration says that works but should change (a deprecated key), one
 *     sentence each: logged at start, printed by {@code --check-config}
 * @param dane DANE ({@code dane.*})
 * @param overrides the local overrides read from {@code overrides.file} (re-read on every reload)
 */
public record DaemonSettings(ListSettings source, EngineSettings engine, SocketmapDoor socketmap,
        PolicyDoor policyService, MilterDoor milter, ListenAddress admin, TransportSettings transport,
        ListenAddress metrics, ProbeSettings probe, DnsSettings dns, MtaSts mtaSts, List<String> warnings, Dane dane,
        Overrides overrides) {

    public DaemonSettings {
        Objects.requireNonNull(dane, "dane");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(mtaSts, "mtaSts");
        warnings = List.copyOf(warnings);
    }

    /** Settings without local overrides. */
    public DaemonSettings(ListSettings source, EngineSettings engine, SocketmapDoor socketmap,
            PolicyDoor policyService, MilterDoor milter, ListenAddress admin, TransportSettings transport,
            ListenAddress metrics, ProbeSettings probe, DnsSettings dns, MtaSts mtaSts, List<String> warnings, Dane dane) {
        this(source, engine, socketmap, policyService, milter, admin, transport, metrics, probe, dns, mtaSts, warnings,
                dane, Overrides.NONE);
    }

    /** The same settings with {@code other} as the local overrides. */
    public DaemonSettings withOverrides(Overrides other) {
        return new DaemonSettings(source, engine, socketmap, policyService, milter, admin, transport, metrics, probe, dns,
                mtaSts, warnings, dane, other);
    }

    /** Settings without DANE. */
    public DaemonSettings(ListSettings source, EngineSettings engine, SocketmapDoor socketmap,
            PolicyDoor policyService, MilterDoor milter, ListenAddress admin, TransportSettings transport,
            ListenAddress metrics, ProbeSettings probe, DnsSettings dns, MtaSts mtaSts, List<String> warnings) {
        this(source, engine, socketmap, policyService, milter, admin, transport, metrics, probe, dns, mtaSts, warnings,
                Dane.DISABLED);
    }

    /**
     * DANE ({@code dane.*}), asked of {@code dns.resolver}.
     *
     * @param enabled whether the socketmap door consults DANE before MTA-STS and the list
     * @param validationCheck a signed zone whose DNSKEY must come back with AD (default the root)
     */
    public record Dane(boolean enabled, String validationCheck) {
        public static final Dane DISABLED = new Dane(false, ".");

        public Dane {
            Objects.requireNonNull(validationCheck, "validationCheck");
        }
    }

    /** Settings without MTA-STS (tests and tools that ask the list alone). */
    public DaemonSettings(ListSettings source, EngineSettings engine, SocketmapDoor socketmap,
            PolicyDoor policyService, MilterDoor milter, ListenAddress admin, TransportSettings transport,
            ListenAddress metrics, ProbeSettings probe) {
        this(source, engine, socketmap, policyService, milter, admin, transport, metrics, probe, DnsSettings.system(),
                MtaSts.DISABLED, List.of());
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

    /**
     * Live MTA-STS ({@code mta-sts.*}).
     *
     * @param enabled whether the doors consult MTA-STS
     * @param trustStore PEM bundle of the CAs policy hosts are verified against, or null for the JDK's
     * @param resolver how the resolver caches and re-checks
     */
    public record MtaSts(boolean enabled, Path trustStore, StsSettings resolver) {
        public static final MtaSts DISABLED = new MtaSts(false, null, StsSettings.DEFAULTS);

        public MtaSts {
            Objects.requireNonNull(resolver, "resolver");
        }
    }

    /** Validates {@code config} (read from {@code file}, or built from flags when null). */
    public static DaemonSettings from(PolicydConfig config, Path file) throws ConfigException {
        return new Validator(file == null ? "command line" : file.toString()).validate(config);
    }

    /** How much longer than the longest first-contact wait the socketmap door's request deadline is at least. */
    public static final Duration STS_WAIT_MARGIN = Duration.ofSeconds(2);

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
            List<String> warnings = new ArrayList<>();
            ProbeSettings probe = ProbeConfig.validate(c.probe, transport, this::error);
            DnsSettings dns = dns(c.dns, probe, warnings);
            if (probe.resolver() == null && dns.resolver() != null) {
                probe = new ProbeSettings(probe.enabled(), dns.resolver(), probe.port(), probe.ehloName(),
                        probe.connectTimeout(), probe.commandTimeout(), probe.probeTimeout(), probe.goodLifetime(),
                        probe.badLifetime(), probe.maxConcurrentProbes(), probe.waitBudget(), probe.trustStore());
            }
            return new DaemonSettings(listSettings(c.list), engine, socketmap(c.socketmap, engine, transport),
                    policyDoor(c.policyService, transport), milterDoor(c.milter, transport), admin(c.admin), transport,
                    metrics(c.metrics), probe, dns, mtaSts(c.mtaSts), warnings, dane(c.dane), overrides(c.overrides));
        }

        /** {@code overrides.file}, read now: a file that is refused refuses the configuration. */
        private Overrides overrides(PolicydConfig.OverridesSection o) throws ConfigException {
            Path file = path("overrides.file", o.file);
            return file == null ? Overrides.NONE : OverridesFile.read(file);
        }

        private Dane dane(PolicydConfig.DaneSection d) throws ConfigException {
            String zone = d.validationCheck == null ? "" : d.validationCheck.strip();
            if (!zone.equals(".")) {
                try {
                    zone = org.starttls.policyd.core.list.DomainName.normalize(zone);
                } catch (org.starttls.policyd.core.list.InvalidNameException e) {
                    throw error("dane.validation-check", "\"" + d.validationCheck + "\" is not a zone name: " + e.getMessage());
                }
            }
            return new Dane(d.enabled, zone);
        }

        /** {@code dns.*}; {@code probe.resolver} is its deprecated alias (already validated into {@code probe}). */
        private DnsSettings dns(PolicydConfig.DnsSection d, ProbeSettings probe, List<String> warnings) throws ConfigException {
            InetSocketAddress resolver = null;
            if (d.resolver != null && !d.resolver.isBlank()) {
                try {
                    resolver = ResolverAddress.parse(d.resolver);
                } catch (IllegalArgumentException e) {
                    throw error("dns.resolver", e.getMessage());
                }
            }
            if (probe.resolver() != null) {
                if (resolver != null && !resolver.equals(probe.resolver())) {
                    throw error("dns.resolver and probe.resolver", "they name different servers; probe.resolver is a "
                            + "deprecated spelling of dns.resolver, which MTA-STS and the probe share: keep dns.resolver only");
                }
                if (resolver == null) {
                    warnings.add(origin + ": probe.resolver is deprecated; write dns.resolver instead (it now serves "
                            + "MTA-STS and the probe alike)");
                    resolver = probe.resolver();
                }
            }
            long max = DnsSettings.MAX_TIMEOUT.toMillis();
            if (d.timeoutMs < 1 || d.timeoutMs > max) {
                throw error("dns.timeout-ms", d.timeoutMs + " is not between 1 and " + max);
            }
            return new DnsSettings(resolver, Duration.ofMillis(d.timeoutMs));
        }

        private MtaSts mtaSts(PolicydConfig.MtaStsSection m) throws ConfigException {
            if (m.txtRecheckSeconds < 1) {
                throw error("mta-sts.txt-recheck-seconds", m.txtRecheckSeconds + " must be at least 1");
            }
            if (m.cacheSize < 1 || m.cacheSize > MtaStsDefaults.MAX_CACHE_SIZE) {
                throw error("mta-sts.cache-size", m.cacheSize + " is not between 1 and " + MtaStsDefaults.MAX_CACHE_SIZE);
            }
            Path trustStore = path("mta-sts.trust-store", m.trustStore);
            if (trustStore != null && !java.nio.file.Files.isReadable(trustStore)) {
                throw error("mta-sts.trust-store", trustStore + " is not a readable file");
            }
            StsSettings resolver = StsSettings.DEFAULTS.withTxtRecheck(Duration.ofSeconds(m.txtRecheckSeconds))
                    .withMaxEntries(m.cacheSize);
            return new MtaSts(m.enabled, trustStore, resolver);
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
                boolean sendmail = SocketmapMapSettings.SENDMAIL_MAP_NAME.equals(entry.getKey());
                if (Boolean.TRUE.equals(m.tlsrpt) && sendmail) {
                    throw error(key + ".tlsrpt", "Sendmail's sts map cannot take TLSRPT attributes (Postfix 3.10+ only)");
                }
                named.put(entry.getKey(), SocketmapMapSettings.defaultsFor(entry.getKey(), defaults)
                        .withEngineSettings(mapEngine)
                        .withServername(m.servername == null ? s.servername : m.servername)
                        .withTlsrpt(Boolean.TRUE.equals(m.tlsrpt))
                        .withStsWait(m.stsWaitSeconds == null
                                ? SocketmapMapSettings.defaultsFor(entry.getKey(), defaults).stsWait()
                                : stsWait(key + ".sts-wait-seconds", m.stsWaitSeconds)));
            }
            ListenAddress listen = listen("socketmap.listen", s.listen);
            TransportSettings door = socketFile("socketmap", listen, s.socketMode, s.socketGroup, transport);
            return new SocketmapDoor(listen, defaults, named, withRoomForStsWaits(door, defaults, named));
        }

        private Duration stsWait(String key, int seconds) throws ConfigException {
            long max = SocketmapMapSettings.MAX_STS_WAIT.toSeconds();
            if (seconds < 0 || seconds > max) {
                throw error(key, seconds + " is not between 0 and " + max + " (Postfix gives up on a socketmap reply"
                        + " after 100 s; Sendmail's sts map after 5 s)");
            }
            return Duration.ofSeconds(seconds);
        }

        /**
         * The socketmap door answers TEMP for a reply still pending at its request deadline; the
         * deadline is made long enough that a first contact's own wait always ends first.
         */
        private static TransportSettings withRoomForStsWaits(TransportSettings door, SocketmapMapSettings defaults,
                Map<String, SocketmapMapSettings> named) {
            Duration longest = defaults.stsWait();
            for (SocketmapMapSettings map : named.values()) {
                longest = map.stsWait().compareTo(longest) > 0 ? map.stsWait() : longest;
            }
            Duration needed = longest.plus(STS_WAIT_MARGIN);
            return door.requestTimeout().compareTo(needed) >= 0 ? door : door.withRequestTimeout(needed);
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
