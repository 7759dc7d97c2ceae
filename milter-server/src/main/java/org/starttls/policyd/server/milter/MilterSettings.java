package org.starttls.policyd.server.milter;

import java.util.Objects;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.answer.HeaderField;

/**
 * What the milter door adds to the shared transport: whether and how it tags messages. Connection
 * limit and timeouts are the transport's ({@code TransportSettings}), as for every door.
 *
 * @param headerTagging add the tag header ({@link AnswerRenderer#tagHeader}) at end of message
 *     when a recipient's domain requires TLS (off by default); it needs the MTA to allow
 *     {@code SMFIF_ADDHDRS}, and negotiation fails without it rather than silently running untagged
 * @param headerName the header field to add, {@value HeaderField#DEFAULT_NAME} by default
 */
public record MilterSettings(boolean headerTagging, String headerName) {
    public static final MilterSettings DEFAULTS = new MilterSettings(false, HeaderField.DEFAULT_NAME);

    public MilterSettings {
        Objects.requireNonNull(headerName, "headerName");
        if (!HeaderField.isName(headerName)) {
            throw new IllegalArgumentException("invalid header name \"" + headerName
                    + "\": expected printable ASCII without spaces or a colon, at most "
                    + HeaderField.MAX_NAME_CHARS + " characters");
        }
    }

    public MilterSettings withHeaderTagging(boolean value) {
        return new MilterSettings(value, headerName);
    }

    public MilterSettings withHeaderName(String value) {
        return new MilterSettings(headerTagging, value);
    }
}
