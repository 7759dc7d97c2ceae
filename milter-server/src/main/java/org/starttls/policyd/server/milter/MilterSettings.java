package org.starttls.policyd.server.milter;

import java.util.Objects;

/**
 * What the milter door adds to the shared transport: whether and how it tags messages. Connection
 * limit and timeouts are the transport's ({@code TransportSettings}), as for every door.
 *
 * @param headerTagging add a {@link PolicyHeader} at end of message when a recipient's domain
 *     requires TLS (off by default); it needs the MTA to allow {@code SMFIF_ADDHDRS}, and
 *     negotiation fails without it rather than silently running untagged
 * @param headerName the header field to add, {@value #DEFAULT_HEADER_NAME} by default
 */
public record MilterSettings(boolean headerTagging, String headerName) {
    public static final String DEFAULT_HEADER_NAME = "X-STARTTLS-Policy";
    /**
     * Longest header name accepted: with {@link PolicyHeader#MAX_VALUE_CHARS} of value, ": " and
     * the name, the header line stays under RFC 5322's {@value MilterReply#MAX_HEADER_LINE_CHARS}.
     */
    public static final int MAX_HEADER_NAME_CHARS = 64;
    public static final MilterSettings DEFAULTS = new MilterSettings(false, DEFAULT_HEADER_NAME);

    public MilterSettings {
        Objects.requireNonNull(headerName, "headerName");
        if (!MilterReply.isHeaderName(headerName)) {
            throw new IllegalArgumentException("invalid header name \"" + headerName
                    + "\": expected printable ASCII without spaces or a colon");
        }
        if (headerName.length() > MAX_HEADER_NAME_CHARS) {
            throw new IllegalArgumentException("header name \"" + headerName + "\" is longer than "
                    + MAX_HEADER_NAME_CHARS + " characters");
        }
    }

    public MilterSettings withHeaderTagging(boolean value) {
        return new MilterSettings(value, headerName);
    }

    public MilterSettings withHeaderName(String value) {
        return new MilterSettings(headerTagging, value);
    }
}
