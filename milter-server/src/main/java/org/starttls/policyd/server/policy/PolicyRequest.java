package org.starttls.policyd.server.policy;

import java.util.Map;
import java.util.Objects;

/**
 * One policy delegation request: the {@code name=value} attributes Postfix sent, in a map. Names we
 * do not use are kept but ignored, as {@code SMTPD_POLICY_README} asks.
 */
record PolicyRequest(Map<String, String> attributes) {
    public PolicyRequest {
        Objects.requireNonNull(attributes, "attributes");
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("a policy request has at least one attribute");
        }
        attributes = Map.copyOf(attributes);
    }

    /** The value of {@code name}, or null when the request did not carry it. */
    public String get(String name) {
        return attributes.get(name);
    }

    /** {@code request=}: {@code smtpd_access_policy} for the requests we act on. */
    public String request() {
        return get("request");
    }

    /** {@code protocol_state=}: {@code RCPT}, {@code DATA}, {@code END-OF-MESSAGE}... */
    public String protocolState() {
        return get("protocol_state");
    }

    /** {@code recipient=}: the envelope recipient as Postfix has it, without angle brackets. */
    public String recipient() {
        return get("recipient");
    }
}
