package org.starttls.policyd.server.milter;

import java.util.Optional;

/**
 * Takes the domain out of an envelope address as an MTA passes it: {@code <user@example.com>},
 * {@code user@example.com}, {@code <@relay.example:user@example.com>} (an RFC 5321 source route)
 * or {@code <"odd@local"@example.com>} (quoted local part; the domain follows the last '@').
 * The domain is returned as written; the decider normalises and validates it.
 */
final class RecipientDomain {
    private RecipientDomain() {
    }

    /** The domain part, or empty when the address has none ({@code <postmaster>}, {@code <>}). */
    static Optional<String> of(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">") && a.length() >= 2) {
            a = a.substring(1, a.length() - 1).strip();
        }
        if (a.startsWith("@")) {
            int colon = a.indexOf(':');
            a = colon < 0 ? "" : a.substring(colon + 1);
        }
        int at = a.lastIndexOf('@');
        if (at < 0 || at == a.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(a.substring(at + 1));
    }
}
