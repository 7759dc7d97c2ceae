package org.starttls.policyd.server.milter;

import java.time.Duration;
import java.util.Objects;

/**
 * How the milter door behaves.
 *
 * @param headerTagging add {@link PolicyHeader} at end of message when a recipient's domain
 *     requires TLS; needs the MTA to allow {@code SMFIF_ADDHDRS}, and negotiation fails without it
 * @param idleTimeout a connection that sends nothing this long is closed; Postfix keeps the
 *     milter connection for the whole SMTP session, so this must exceed its SMTP timeouts
 * @param maxConnections connections beyond this are closed at once (the MTA then applies its
 *     {@code milter_default_action}, which should be {@code tempfail})
 */
public record MilterSettings(boolean headerTagging, Duration idleTimeout, int maxConnections) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

    public MilterSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
    }

    /** Header tagging on, 30 minutes idle, 1000 connections. */
    public static MilterSettings defaults() {
        return new MilterSettings(true, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }
}
