package org.starttls.policyd.server.policy;

import java.util.Objects;
import org.starttls.policyd.server.answer.PrintableText;

/**
 * One policy delegation answer: the text after {@code action=}. Text is reduced to printable ASCII
 * and bounded, so a reason can never break the line protocol.
 *
 * @param action e.g. {@code DUNNO}, {@code DEFER_IF_PERMIT 4.7.5 example.com: ...}
 */
public record PolicyReply(String action) {
    /** Reply text is cut to this many characters (Postfix limits an SMTP reply line to about 500). */
    public static final int MAX_TEXT_CHARS = 400;

    public static final PolicyReply DUNNO = new PolicyReply("DUNNO");

    public PolicyReply {
        Objects.requireNonNull(action, "action");
        if (action.isEmpty()) {
            throw new IllegalArgumentException("empty action");
        }
        if (!PrintableText.isPrintable(action)) {
            throw new IllegalArgumentException("action must be printable ASCII");
        }
    }

    /** {@code DEFER_IF_PERMIT text}: Postfix answers 450 (or the 4.x.x status code at the start of the text). */
    public static PolicyReply deferIfPermit(String text) {
        return new PolicyReply("DEFER_IF_PERMIT " + printable(text));
    }

    /** {@code PREPEND name: value}: adds a header to the message. */
    public static PolicyReply prepend(String headerName, String value) {
        return new PolicyReply("PREPEND " + headerName + ": " + printable(value));
    }

    private static String printable(String text) {
        return PrintableText.of(text, MAX_TEXT_CHARS);
    }

    /** What goes on the wire: {@code action=...} and the empty line that ends a reply. */
    public String wireText() {
        return "action=" + action + "\n\n";
    }

    @Override
    public String toString() {
        return "action=" + action;
    }
}
