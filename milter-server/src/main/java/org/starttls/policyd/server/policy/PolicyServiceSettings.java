package org.starttls.policyd.server.policy;

import java.util.Objects;
import org.starttls.policyd.server.answer.HeaderField;

/**
 * How the policy delegation door answers.
 *
 * @param tagHeader whether a recipient whose domain requires TLS gets {@code PREPEND} of the tag
 *     header (off by default: the answer is then {@code DUNNO})
 * @param headerName the header to prepend, {@value HeaderField#DEFAULT_NAME} by default
 */
public record PolicyServiceSettings(boolean tagHeader, String headerName) {
    public static final PolicyServiceSettings DEFAULTS = new PolicyServiceSettings(false, HeaderField.DEFAULT_NAME);

    public PolicyServiceSettings {
        Objects.requireNonNull(headerName, "headerName");
        if (!HeaderField.isName(headerName)) {
            throw new IllegalArgumentException("invalid header name \"" + headerName + "\"");
        }
    }

    public PolicyServiceSettings withTagHeader(boolean value) {
        return new PolicyServiceSettings(value, headerName);
    }

    public PolicyServiceSettings withHeaderName(String value) {
        return new PolicyServiceSettings(tagHeader, value);
    }
}
