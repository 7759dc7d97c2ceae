package org.starttls.policyd.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.RefreshSettings;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.sts.StsSettings;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The daemon's configuration file, as written (YAML, kebab-case keys); {@link ConfigLoader}
 * refuses unknown keys and bad values at start. Each default is read from the typed settings that
 * use it ({@link TransportSettings#DEFAULTS}, {@link ProbeSettings#DISABLED}, ...), so a value has
 * one source; the listen addresses, which have no typed counterpart, are the constants below.
 * {@code deploy/policyd.yaml} shows each key with its default (a test compares them).
 */
public final class PolicydConfig {
    public static final String DEFAULT_SOCKETMAP_LISTEN = "127.0.0.1:5461";
    public static final String DEFAULT_POLICY_SERVICE_LISTEN = "127.0.0.1:5462";
    public static final String DEFAULT_MILTER_LISTEN = "127.0.0.1:5463";
    public static final String DEFAULT_METRICS_LISTEN = "127.0.0.1:9464";

    @JsonProperty("list")
    public ListSection list = new ListSection();

    @JsonProperty("policy")
    public PolicySection policy = new PolicySection();

    @JsonProperty("socketmap")
    public SocketmapSection socketmap = new SocketmapSection();

    @JsonProperty("policy-service")
    public PolicyServiceSection policyService = new PolicyServiceSection();

    @JsonProperty("milter")
    public MilterSection milter = new MilterSection();

    @JsonProperty("admin")
    public AdminSection admin = new AdminSection();

    @JsonProperty("limits")
    public LimitsSection limits = new LimitsSection();

    @JsonProperty("metrics")
    public MetricsSection metrics = new MetricsSection();

    @JsonProperty("probe")
    public ProbeSection probe = new ProbeSection();

    @JsonProperty("dns")
    public DnsSection dns = new DnsSection();

    @JsonProperty("mta-sts")
    public MtaStsSection mtaSts = new MtaStsSection();

    @JsonProperty("dane")
    public DaneSection dane = new DaneSection();

    @JsonProperty("overrides")
    public OverridesSection overrides = new OverridesSection();

    /** The operator's local overrides, which beat DANE, MTA-STS and the list. */
    public static final class OverridesSection {
        /** The overrides file (YAML, see deploy/overrides.yaml), re-read on reload; empty means none. */
        @JsonProperty("file")
        public String file = "";
    }

    /** Where the list comes from and how it is kept current. */
    public static final class ListSection {
        /** HTTP(S) URL of the list; null means no download (local file or embedded default). */
        @JsonProperty("url")
        public String url;
        /** URL of the detached signature; default: url + ".asc". */
        @JsonProperty("signature-url")
        public String signatureUrl;
        /** A local list file, re-read on reload; exclusive with url. */
        @JsonProperty("file")
        public String file;
        /** Signature of file; default: file + ".asc". */
        @JsonProperty("signature-file")
        public String signatureFile;
        /** Pinned public keyring; default: the one recorded in state-dir, else the embedded EFF key (KeyringChoice). */
        @JsonProperty("keyring")
        public String keyring;
        @JsonProperty("state-dir")
        public String stateDir = StateDirectory.DEFAULT_PATH_NAME;
        @JsonProperty("refresh-hours")
        public double refreshHours = RefreshSettings.DEFAULTS.interval().toSeconds() / 3600.0;
        @JsonProperty("max-bytes")
        public long maxBytes = FetchSettings.DEFAULT_MAX_LIST_BYTES;
        @JsonProperty("timeout-seconds")
        public int timeoutSeconds = (int) FetchSettings.DEFAULTS.readTimeout().toSeconds();
        /**
         * What answers while a source is configured but no list from it has verified (the
         * installed copy is damaged or signed by another key, or nothing is installed yet):
         * tempfail (every lookup TEMP, mail deferred) or embedded-default.
         */
        @JsonProperty("while-unverified")
        public String whileUnverified = "tempfail";
    }

    /** How list entries become answers. */
    public static final class PolicySection {
        /** report-only (EFF default) or enforce (EFF's "early adopter"). */
        @JsonProperty("testing-domains")
        public String testingDomains = SettingNames.name(EngineSettings.DEFAULTS.testingDomains());
        /** enforce-nothing (EFF default), keep-enforcing or tempfail-listed. */
        @JsonProperty("expired-list")
        public String expiredList = SettingNames.name(EngineSettings.DEFAULTS.expiredList());
    }

    /** The socketmap door (Postfix smtp_tls_policy_maps, Sendmail FEATURE(sts)). */
    public static final class SocketmapSection {
        @JsonProperty("enabled")
        public boolean enabled = true;
        @JsonProperty("listen")
        public String listen = DEFAULT_SOCKETMAP_LISTEN;
        /** Unix sockets only: the socket file's mode, octal; null means 0660. */
        @JsonProperty("socket-mode")
        public String socketMode;
        /** Unix sockets only: the socket file's group (the MTA's, e.g. postfix); null means the daemon's own. */
        @JsonProperty("socket-group")
        public String socketGroup;
        /** Append servername=hostname (needs Postfix 3.4 or later; Sendmail 8.17 needs it). */
        @JsonProperty("servername")
        public boolean servername = SocketmapMapSettings.DEFAULTS.servername();
        /** Named maps with their own settings; any other map name gets the defaults above. */
        @JsonProperty("maps")
        public Map<String, MapSection> maps = new LinkedHashMap<>();
    }

    /** Overrides for one socketmap name. */
    public static final class MapSection {
        @JsonProperty("testing-domains")
        public String testingDomains;
        @JsonProperty("expired-list")
        public String expiredList;
        @JsonProperty("servername")
        public Boolean servername;
        /** Postfix 3.10+ TLSRPT attributes on MTA-STS answers; Postfix 3.9 and older defer every answer that carries them. */
        @JsonProperty("tlsrpt")
        public Boolean tlsrpt;
        /** How long a first contact waits for MTA-STS; default 10, and 4 for the map named sts (Sendmail). */
        @JsonProperty("sts-wait-seconds")
        public Integer stsWaitSeconds;
    }

    /** The DNS resolver of MTA-STS (and later DANE) and of the downgrade probe. */
    public static final class DnsSection {
        /** IP[:PORT] of the resolver; empty means the servers in /etc/resolv.conf. */
        @JsonProperty("resolver")
        public String resolver = "";
        /** One query's timeout. */
        @JsonProperty("timeout-ms")
        public int timeoutMs = (int) DnsSettings.DEFAULT_TIMEOUT.toMillis();
    }

    /** DANE (RFC 7672), asked of dns.resolver. */
    public static final class DaneSection {
        @JsonProperty("enabled")
        public boolean enabled = true;
        /** A signed zone whose DNSKEY must come back with AD: proof that the resolver validates. */
        @JsonProperty("validation-check")
        public String validationCheck = ".";
    }

    /** Live MTA-STS (RFC 8461). */
    public static final class MtaStsSection {
        @JsonProperty("enabled")
        public boolean enabled = true;
        /** PEM bundle of CA certificates policy hosts are verified against; empty means the JDK's. */
        @JsonProperty("trust-store")
        public String trustStore = "";
        /** A cached policy older than this re-checks its TXT id when used. */
        @JsonProperty("txt-recheck-seconds")
        public int txtRecheckSeconds = (int) StsSettings.DEFAULTS.txtRecheck().toSeconds();
        /** How many domains' policies the cache holds (in memory and in state-dir). */
        @JsonProperty("cache-size")
        public int cacheSize = StsSettings.DEFAULTS.maxEntries();
    }

    /** The Postfix policy delegation door (check_policy_service). */
    public static final class PolicyServiceSection {
        @JsonProperty("enabled")
        public boolean enabled = true;
        @JsonProperty("listen")
        public String listen = DEFAULT_POLICY_SERVICE_LISTEN;
        /** Unix sockets only: the socket file's mode, octal; null means 0660. */
        @JsonProperty("socket-mode")
        public String socketMode;
        /** Unix sockets only: the socket file's group (the MTA's, e.g. postfix); null means the daemon's own. */
        @JsonProperty("socket-group")
        public String socketGroup;
        /** Header to PREPEND for listed recipients; empty means no header. */
        @JsonProperty("prepend-header")
        public String prependHeader = "";
    }

    /** The milter door (Sendmail INPUT_MAIL_FILTER, Postfix smtpd_milters). */
    public static final class MilterSection {
        @JsonProperty("enabled")
        public boolean enabled = false;
        @JsonProperty("listen")
        public String listen = DEFAULT_MILTER_LISTEN;
        /** Unix sockets only: the socket file's mode, octal; null means 0660. */
        @JsonProperty("socket-mode")
        public String socketMode;
        /** Unix sockets only: the socket file's group (the MTA's, e.g. postfix); null means the daemon's own. */
        @JsonProperty("socket-group")
        public String socketGroup;
        /** Header added at end of message for listed recipients; empty means none. */
        @JsonProperty("add-header")
        public String addHeader = "";
    }

    /** The local admin endpoint of policyctl status and reload. */
    public static final class AdminSection {
        @JsonProperty("enabled")
        public boolean enabled = true;
        /**
         * A unix socket (mode 0600) by default, where {@link AdminDefaults#address()} says; a
         * loopback HOST:PORT only by choice: any local user can connect to TCP, and it can reload.
         */
        @JsonProperty("listen")
        public String listen = AdminDefaults.address().toString();
    }

    /** The Prometheus /metrics and /health HTTP endpoint. */
    public static final class MetricsSection {
        @JsonProperty("enabled")
        public boolean enabled = true;
        /** Loopback HOST:PORT only: the endpoint tells which domains' mail is flowing. */
        @JsonProperty("listen")
        public String listen = DEFAULT_METRICS_LISTEN;
    }

    /** Per-door connection limits and timeouts. */
    public static final class LimitsSection {
        /** At the limit, the longest-idle connection is closed for a newcomer. */
        @JsonProperty("max-connections")
        public int maxConnections = TransportSettings.DEFAULTS.maxConnections();
        /** An idle connection is kept this long (Postfix reuses them). */
        @JsonProperty("idle-timeout-seconds")
        public int idleTimeoutSeconds = (int) TransportSettings.DEFAULTS.idleTimeout().toSeconds();
        /** A request that has started must complete within this time. */
        @JsonProperty("request-timeout-seconds")
        public int requestTimeoutSeconds = (int) TransportSettings.DEFAULTS.requestTimeout().toSeconds();
    }

    /**
     * Downgrade detection: probe the MXes of listed domains and defer mail for an enforce-mode
     * domain whose STARTTLS is stripped or forged. Off by default: it opens SMTP connections to
     * remote MXes.
     */
    public static final class ProbeSection {
        @JsonProperty("enabled")
        public boolean enabled = false;
        /** DNS server as host or host:port; empty means the system's resolvers. */
        @JsonProperty("resolver")
        public String resolver = "";
        @JsonProperty("port")
        public int port = ProbeSettings.DISABLED.port();
        /** Name sent in EHLO; empty means this host's name. */
        @JsonProperty("ehlo-name")
        public String ehloName = "";
        @JsonProperty("connect-timeout-seconds")
        public int connectTimeoutSeconds = (int) ProbeSettings.DISABLED.connectTimeout().toSeconds();
        /** Each SMTP reply, TLS handshake read and DNS query. */
        @JsonProperty("command-timeout-seconds")
        public int commandTimeoutSeconds = (int) ProbeSettings.DISABLED.commandTimeout().toSeconds();
        /** One MX from connect to QUIT. */
        @JsonProperty("probe-timeout-seconds")
        public int probeTimeoutSeconds = (int) ProbeSettings.DISABLED.probeTimeout().toSeconds();
        /** How long a result that TLS works is kept. */
        @JsonProperty("good-lifetime-minutes")
        public int goodLifetimeMinutes = (int) ProbeSettings.DISABLED.goodLifetime().toMinutes();
        /** How long a downgrade (or no-evidence) result is kept. */
        @JsonProperty("bad-lifetime-minutes")
        public int badLifetimeMinutes = (int) ProbeSettings.DISABLED.badLifetime().toMinutes();
        @JsonProperty("max-concurrent-probes")
        public int maxConcurrentProbes = ProbeSettings.DISABLED.maxConcurrentProbes();
        /** How long a door may wait for a first probe; 0 answers at once from what is known. */
        @JsonProperty("wait-millis")
        public int waitMillis = (int) ProbeSettings.DISABLED.waitBudget().toMillis();
        /** PEM bundle of trusted CA certificates; empty means the JDK's trust store. */
        @JsonProperty("trust-store")
        public String trustStore = "";
    }
}
