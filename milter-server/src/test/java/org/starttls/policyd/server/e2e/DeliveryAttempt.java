package org.starttls.policyd.server.e2e;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One delivery attempt as Postfix's delivery agent logs it, e.g. {@code 4F2C1: to=<a@enforce.test>,
 * relay=..., dsn=4.7.4, status=deferred (TLS is required, but was not offered by host ...)}.
 */
record DeliveryAttempt(String queueId, String recipient, String dsn, String status, String reason) {

    private static final Pattern LOG_LINE = Pattern.compile(
            " ([0-9A-Za-z]+): to=<([^>]*)>,.* dsn=([0-9.]+), status=([a-z]+) \\((.*)\\)$");

    static Optional<DeliveryAttempt> parse(String logLine) {
        Matcher m = LOG_LINE.matcher(logLine);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new DeliveryAttempt(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
    }

    boolean isDeferred() {
        return status.equals("deferred");
    }

    boolean isSent() {
        return status.equals("sent");
    }
}
