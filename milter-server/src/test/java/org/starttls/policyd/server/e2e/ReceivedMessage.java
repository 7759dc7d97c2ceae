package org.starttls.policyd.server.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message the sink accepted: envelope, content (header lines, empty line, body; LF-separated),
 * and whether it came over TLS (after STARTTLS).
 */
record ReceivedMessage(String mailFrom, List<String> recipients, String content, boolean overTls) {

    ReceivedMessage {
        recipients = List.copyOf(recipients);
    }

    /** A message received in the clear. */
    ReceivedMessage(String mailFrom, List<String> recipients, String content) {
        this(mailFrom, recipients, content, false);
    }

    boolean isFor(String recipient) {
        return recipients.stream().anyMatch(r -> r.equalsIgnoreCase(recipient));
    }

    /** Values of every header field with this name, in order (folded continuation lines are joined). */
    List<String> headerValues(String name) {
        List<String> values = new ArrayList<>();
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        String current = null;
        for (String line : content.split("\n", -1)) {
            if (line.isEmpty()) {
                break; // end of the header section
            }
            boolean continuation = line.startsWith(" ") || line.startsWith("\t");
            if (continuation && current != null) {
                current = current + " " + line.strip();
                values.set(values.size() - 1, current);
                continue;
            }
            current = null;
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                current = line.substring(prefix.length()).strip();
                values.add(current);
            }
        }
        return values;
    }
}
