package org.starttls.policyd.core.engine;

import java.util.Optional;

/**
 * The domain of an envelope recipient, as the receipt-time doors get it: Postfix's policy
 * delegation {@code recipient=} ({@code user@example.com}) and the milter's RCPT argument or
 * {@code {rcpt_addr}} macro ({@code <user@example.com>}). The one parser of recipients for every
 * door.
 *
 * <p>Accepted forms: angle brackets and surrounding spaces are dropped; an RFC 5321 source route
 * ({@code <@relay.example,@b.example:user@example.com>}) is skipped; a quoted local part may hold
 * {@code @} and escaped quotes ({@code "odd@local"@example.com}). The domain is returned as
 * written; the engine normalises and validates it.
 *
 * <p>No listable domain: the null address ({@code <>}, empty), an address without a domain
 * ({@code postmaster}, {@code user@}, {@code "user@example.com"}), a source route without a
 * mailbox, and an address literal ({@code user@[192.0.2.1]}), which is never a list entry.
 */
public final class RecipientDomain {
    private RecipientDomain() {
    }

    /** The domain part, or empty when the recipient has none that could be listed. */
    public static Optional<String> of(String recipient) {
        if (recipient == null) {
            return Optional.empty();
        }
        String address = recipient.strip();
        if (address.length() >= 2 && address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1).strip();
        }
        if (address.startsWith("@")) {
            int colon = address.indexOf(':');
            address = colon < 0 ? "" : address.substring(colon + 1);
        }
        int at = atAfterLocalPart(address);
        if (at < 0 || at == address.length() - 1 || address.charAt(at + 1) == '[') {
            return Optional.empty();
        }
        return Optional.of(address.substring(at + 1));
    }

    /** Index of the {@code @} after the local part, honouring a quoted local part; -1 if none. */
    private static int atAfterLocalPart(String address) {
        if (!address.startsWith("\"")) {
            return address.lastIndexOf('@');
        }
        for (int i = 1; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1 < address.length() && address.charAt(i + 1) == '@' ? i + 1 : -1;
            }
        }
        return -1;
    }
}
