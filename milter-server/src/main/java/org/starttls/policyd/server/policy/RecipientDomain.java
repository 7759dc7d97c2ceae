package org.starttls.policyd.server.policy;

/**
 * The domain of an envelope recipient as Postfix passes it in {@code recipient=}: the part after
 * the {@code @} that ends the local part. The null sender/recipient ({@code <>} or empty), an
 * address without a domain ({@code postmaster}) and an address literal ({@code user@[192.0.2.1]})
 * have no domain that can be listed.
 */
final class RecipientDomain {
    private RecipientDomain() {
    }

    /** The domain, or null when the recipient has none that could be listed. */
    static String of(String recipient) {
        if (recipient == null) {
            return null;
        }
        String address = recipient.strip();
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        int at = atAfterLocalPart(address);
        if (at < 0 || at == address.length() - 1) {
            return null;
        }
        String domain = address.substring(at + 1);
        return domain.startsWith("[") ? null : domain;
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
