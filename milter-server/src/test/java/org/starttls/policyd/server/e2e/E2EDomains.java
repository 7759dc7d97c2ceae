package org.starttls.policyd.server.e2e;

import java.util.List;

/**
 * The destinations of the end-to-end tests and what policyd must decide for each. Every one
 * resolves to the {@link PlainSmtpSink} (which offers no STARTTLS), so only the policy decides
 * whether mail goes out in the clear. A real daemon under test needs a preload list with
 * {@link #ENFORCE} and {@link #DOWNGRADED} in enforce mode and {@link #UNLISTED} absent, plus
 * downgrade knowledge for {@link #DOWNGRADED}.
 */
final class E2EDomains {
    /** On the list in enforce mode: TLS required at delivery, tagged at receipt. */
    static final String ENFORCE = "enforce.test";
    /** Not on the list: opportunistic TLS as usual, untouched at receipt. */
    static final String UNLISTED = "unlisted.test";
    /** On the list and known to be under a STARTTLS downgrade: deferred already at receipt. */
    static final String DOWNGRADED = "downgraded.test";

    /** Routed through a socketmap nobody listens on: shows Postfix failing closed when policyd is down. */
    static final String POLICYD_DOWN = "policyd-down.test";

    /** The header the policy door prepends at receipt for a destination that requires TLS. */
    static final String TAG_HEADER = "X-STARTTLS-Policy";

    static final List<String> ALL = List.of(ENFORCE, UNLISTED, DOWNGRADED, POLICYD_DOWN);

    static final String SENDER = "sender@client.test";

    private E2EDomains() {}

    static String recipientAt(String domain) {
        return "rcpt@" + domain;
    }

    /** A small RFC 5322 message whose subject names the test, to find it again in the sink. */
    static String message(String to, String subject) {
        return "From: <" + SENDER + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: " + subject + "\r\n"
                + "\r\n"
                + "Sent by the policyd end-to-end tests.\r\n"
                + ".a line that needs dot-stuffing\r\n";
    }
}
