package org.starttls.policyd.cli;

import java.time.Duration;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.transport.ListenAddress;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the running daemon's admin endpoint is, for status and reload: --admin, else admin.listen of --config. */
final class AdminOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--admin", paramLabel = "HOST:PORT|unix:PATH",
            description = "policyd's admin endpoint (default: admin.listen of --config, else the same unix socket "
                    + "policyd uses by default: unix:/run/starttls-policyd/admin.sock when that directory is writable, "
                    + "else under $XDG_RUNTIME_DIR/starttls-policyd/, else /tmp/starttls-policyd-USER/).")
    String admin;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the reply (default: ${DEFAULT-VALUE}; a reload may download the list).")
    int timeoutSeconds;

    @Mixin
    ConfigOptions config;

    /** --admin when given, else the configuration's admin.listen, else policyd's default admin socket. */
    ListenAddress address() throws ConfigException {
        if (admin == null) {
            ListenAddress configured = config.admin();
            return configured != null ? configured : AdminDefaults.address();
        }
        try {
            return ListenAddress.parse(admin);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--admin: " + e.getMessage());
        }
    }

    /** --timeout; 0 or less is refused as a usage error (as doctor refuses it), not quietly made 1 s. */
    Duration timeout() {
        if (timeoutSeconds < 1) {
            throw new ParameterException(mixee.commandLine(), "--timeout: must be at least 1 second");
        }
        return Duration.ofSeconds(timeoutSeconds);
    }
}
