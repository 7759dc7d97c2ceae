package org.starttls.policyd.cli;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.ConfigLoader;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.transport.ListenAddress;
import picocli.CommandLine.Option;

/**
 * {@code --config}: policyd's own configuration file, read with the daemon's loader and validator,
 * so policyctl uses the daemon's keyring, state directory, admin address and resolver without
 * repeating them (as certbot reads its cli.ini). Flags beat the file. The default file is used
 * when it exists; when it does not, the built-in defaults apply, as they do for policyd.
 */
final class ConfigOptions {
    /** Where the packaged systemd unit points policyd's --config. */
    static final Path DEFAULT_CONFIG = Path.of("/etc/starttls-policyd/policyd.yaml");

    @Option(names = "--config", paramLabel = "FILE",
            description = "policyd's configuration file, for list.keyring, list.state-dir, admin.listen, "
                    + "dns.resolver and mta-sts.* (default: /etc/starttls-policyd/policyd.yaml when it exists, else the "
                    + "built-in defaults). Flags beat it. A FILE that is missing or invalid is an error (exit 78).")
    Path config;

    private final Path defaultConfig;
    private DaemonSettings settings;
    private Path readFrom;

    ConfigOptions() {
        this(DEFAULT_CONFIG);
    }

    ConfigOptions(Path defaultConfig) {
        this.defaultConfig = defaultConfig;
    }

    /** The file read, or null when the built-in defaults apply. */
    Path file() throws ConfigException {
        settings();
        return readFrom;
    }

    /** The daemon's validated settings from the file, or from the built-in defaults when there is none. */
    DaemonSettings settings() throws ConfigException {
        if (settings == null) {
            Path file = config != null ? config : Files.exists(defaultConfig) ? defaultConfig : null;
            if (file != null && Files.exists(file) && !Files.isReadable(file)) {
                throw new ConfigException(file + ": permission denied (run policyctl as a user who may read it, "
                        + "or name another file with --config)");
            }
            PolicydConfig raw = file == null ? new PolicydConfig() : ConfigLoader.load(file);
            settings = DaemonSettings.from(raw, file);
            readFrom = file;
        }
        return settings;
    }

    /** list.keyring, or null (then the state directory's record decides; see KeyringChoice). */
    Path keyring() throws ConfigException {
        return settings().source().keyring();
    }

    /** list.state-dir (the built-in default when no file sets it). */
    Path stateDir() throws ConfigException {
        return settings().source().stateDir();
    }

    /** admin.listen from the file, or null when no file was read or the file disables the endpoint. */
    ListenAddress admin() throws ConfigException {
        return file() == null ? null : settings().admin();
    }

    /** dns.resolver (or its deprecated spelling probe.resolver), or null for the system's resolvers. */
    InetSocketAddress resolver() throws ConfigException {
        return settings().probe().resolver();
    }
}
