package org.starttls.policyd.server.probe;

import java.util.Objects;

/**
 * One mail exchanger of a domain, as DNS gave it.
 *
 * @param name the host name, lower case, no trailing dot
 * @param preference the MX preference (lower is tried first); 0 for the implicit MX of RFC 5321
 */
public record MxHost(String name, int preference) {
    public MxHost {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.endsWith(".")) {
            throw new IllegalArgumentException("MX name must be non-empty and have no trailing dot: " + name);
        }
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("MX preference out of range: " + preference);
        }
    }
}
