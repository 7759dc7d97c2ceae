package org.starttls.policyd.cli;

import java.time.Duration;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.transport.ListenAddress;
import picocli.CommandLine.Option;

/** Where the running daemon's admin endpoint is, for status and reload. */
final class AdminOptions {
    @Option(names = "--admin", paramLabel = "HOST:PORT|unix:PATH",
            description = "policyd's admin endpoint (its admin.listen; default: the same unix socket policyd uses"
                    + " by default: unix:/run/starttls-policyd/admin.sock when that directory is writable, else"
                    + " under $XDG_RUNTIME_DIR/starttls-policyd/, else /tmp/starttls-policyd-USER/).")
    String admin;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the reply (default: ${DEFAULT-VALUE}; a reload may download the list).")
    int timeoutSeconds;

    ListenAddress address() {
        return admin == null ? AdminDefaults.address() : ListenAddress.parse(admin);
    }

    Duration timeout() {
        return Duration.ofSeconds(Math.max(1, timeoutSeconds));
    }
}
