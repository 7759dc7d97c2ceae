package org.starttls.policyd.server.socketmap;

import org.starttls.policyd.core.engine.EngineSettings;

/**
 * How one socketmap map name answers.
 *
 * @param engineSettings the engine rules for this map (e.g. early-adopter enforcement of testing
 *     domains), or null to use the daemon's engine as it is
 * @param servername whether {@code OK secure} answers carry {@code servername=hostname}. On by
 *     default: Sendmail 8.17's STS defers without it. Turn it off only for Postfix before 3.4,
 *     which rejects the attribute and would defer every listed domain.
 */
public record SocketmapMapSettings(EngineSettings engineSettings, boolean servername) {
    /** The daemon's engine, with {@code servername=hostname}. */
    public static final SocketmapMapSettings DEFAULTS = new SocketmapMapSettings(null, true);

    public SocketmapMapSettings withEngineSettings(EngineSettings value) {
        return new SocketmapMapSettings(value, servername);
    }

    public SocketmapMapSettings withServername(boolean value) {
        return new SocketmapMapSettings(engineSettings, value);
    }
}
