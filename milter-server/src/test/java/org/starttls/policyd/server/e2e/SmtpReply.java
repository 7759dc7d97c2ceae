package org.starttls.policyd.server.e2e;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A complete (possibly multi-line) SMTP reply: the code and the text of all lines joined by LF. */
record SmtpReply(int code, String text) {
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");

    boolean isPositive() {
        return code >= 200 && code < 400;
    }

    boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    /** The queue ID in Postfix's answer to the end of DATA ({@code 250 2.0.0 Ok: queued as 4F2C1}). */
    Optional<String> queueId() {
        Matcher m = QUEUED_AS.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
