package org.starttls.policyd.server.socketmap;

import java.time.Duration;
import java.util.Objects;
import org.starttls.policyd.core.engine.EngineSettings;

/**
 * How one socketmap map name answers.
 *
 * @param engineSettings the engine rules for this map (e.g. early-adopter enforcement of testing
 *     domains), or null to use the daemon's engine as it is
 * @param servername whether {@code OK secure} answers carry {@code servername=hostname}. On by
 *     default: Sendmail 8.17's STS defers without it. Turn it off only for Postfix before 3.4,
 *     which rejects the attribute and would defer every listed domain.
 * @param tlsrpt whether MTA-STS answers carry Postfix 3.10's TLSRPT attributes
 *     ({@code policy_type=sts ...}). Off by default: Postfix 3.9 and older defer every message on
 *     an answer that carries them.
 * @param stsWait how long a first contact waits for the domain's MTA-STS resolution before the
 *     answer is decided without it; below the MTA's own socketmap timeout (Postfix 100 s,
 *     Sendmail 5 s)
 */
public record SocketmapMapSettings(EngineSettings engineSettings, boolean servername, boolean tlsrpt, Duration stsWait) {
    /** Sendmail 8.17's FEATURE(`sts') always asks this map name. */
    public static final String SENDMAIL_MAP_NAME = "sts";
    /** The first-contact wait of any map but {@link #SENDMAIL_MAP_NAME}: well below Postfix's 100 s socketmap timeout. */
    public static final Duration DEFAULT_STS_WAIT = Duration.ofSeconds(10);
    /** The first-contact wait of the map {@link #SENDMAIL_MAP_NAME}: below Sendmail's 5 s socketmap timeout. */
    public static final Duration SENDMAIL_STS_WAIT = Duration.ofSeconds(4);
    /** Postfix gives up on a socketmap reply after 100 s: a wait must end well before. */
    public static final Duration MAX_STS_WAIT = Duration.ofSeconds(99);

    /** The daemon's engine, with {@code servername=hostname}, no TLSRPT attributes, a 10 s first-contact wait. */
    public static final SocketmapMapSettings DEFAULTS = new SocketmapMapSettings(null, true, false, DEFAULT_STS_WAIT);

    public SocketmapMapSettings {
        Objects.requireNonNull(stsWait, "stsWait");
        if (stsWait.isNegative() || stsWait.compareTo(MAX_STS_WAIT) > 0) {
            throw new IllegalArgumentException("an MTA-STS wait of " + stsWait + " is not between 0 and " + MAX_STS_WAIT);
        }
    }

    /** The default settings for a map of this name: Sendmail's {@code sts} map waits less. */
    public static SocketmapMapSettings defaultsFor(String mapName, SocketmapMapSettings defaults) {
        return SENDMAIL_MAP_NAME.equals(mapName) ? defaults.withStsWait(SENDMAIL_STS_WAIT) : defaults;
    }

    public SocketmapMapSettings withEngineSettings(EngineSettings value) {
        return new SocketmapMapSettings(value, servername, tlsrpt, stsWait);
    }

    public SocketmapMapSettings withServername(boolean value) {
        return new SocketmapMapSettings(engineSettings, value, tlsrpt, stsWait);
    }

    public SocketmapMapSettings withTlsrpt(boolean value) {
        return new SocketmapMapSettings(engineSettings, servername, value, stsWait);
    }

    public SocketmapMapSettings withStsWait(Duration value) {
        return new SocketmapMapSettings(engineSettings, servername, tlsrpt, value);
    }
}
