package org.starttls.policyd.server.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One message in Sendmail's queue, read from its queue control file {@code qfID} (Sendmail's
 * "Queue File Formats": one letter per line, e.g. {@code N} delivery attempts so far, {@code M}
 * the status of the last attempt as {@code mailq} shows it, {@code R} a recipient).
 */
record SendmailQueueFile(String queueId, int attempts, Optional<String> status, String sender,
        List<String> recipients) {

    SendmailQueueFile {
        recipients = List.copyOf(recipients);
    }

    static SendmailQueueFile parse(String queueId, String content) {
        int attempts = 0;
        String status = null;
        String sender = null;
        List<String> recipients = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String value = line.substring(1);
            switch (line.charAt(0)) {
                case 'N' -> attempts = Integer.parseInt(value.strip());
                case 'M' -> status = value;
                case 'S' -> sender = unbracketed(value);
                // "RPFD:<a@b>": the flags, a colon, the address
                case 'R' -> recipients.add(unbracketed(value.substring(value.indexOf(':') + 1)));
                default -> { } // headers, macros, times, and continuation lines
            }
        }
        return new SendmailQueueFile(queueId, attempts, Optional.ofNullable(status), sender, recipients);
    }

    private static String unbracketed(String address) {
        String a = address.strip();
        return a.startsWith("<") && a.endsWith(">") ? a.substring(1, a.length() - 1) : a;
    }
}
