package org.starttls.policyd.server.policy;

import java.util.Objects;

/**
 * How the policy delegation door answers.
 *
 * @param tagHeader whether a recipient whose domain requires TLS gets {@code PREPEND} of a header
 *     (off by default: the answer is then {@code DUNNO})
 * @param headerName the header to prepend, {@value #DEFAULT_HEADER_NAME} by default
 */
public record PolicyServiceSettings(boolean tagHeader, String headerName) {
    public static final String DEFAULT_HEADER_NAME = "X-STARTTLS-Policy";
    public static final PolicyServiceSettings DEFAULTS = new PolicyServiceSettings(false, DEFAULT_HEADER_NAME);

    public PolicyServiceSettings {
        Objects.requireNonNull(headerName, "headerName");
        // RFC 5322 field name: printable ASCII except the colon.
        if (headerName.isEmpty() || !headerName.chars().allMatch(c -> c >= 33 && c <= 126 && c != ':')) {
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
