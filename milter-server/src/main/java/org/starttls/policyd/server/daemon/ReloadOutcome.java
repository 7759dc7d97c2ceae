package org.starttls.policyd.server.daemon;

import java.util.List;
import java.util.Objects;
import org.starttls.policyd.fetcher.UpdateResult;

/**
 * What one reload did: to the configuration, and to the list.
 *
 * @param config what became of the configuration file
 * @param configError why it was refused, or null
 * @param restartNeeded configuration keys that changed but take effect only after a restart
 * @param list what the list refresh decided
 */
public record ReloadOutcome(Config config, String configError, List<String> restartNeeded, UpdateResult list) {
    /** What became of the configuration. */
    public enum Config {
        APPLIED, UNCHANGED, REFUSED;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ReloadOutcome {
        Objects.requireNonNull(config, "config");
        restartNeeded = List.copyOf(restartNeeded);
        Objects.requireNonNull(list, "list");
    }

    /** False when the configuration was refused (the running one is kept). */
    public boolean reloaded() {
        return config != Config.REFUSED;
    }
}
