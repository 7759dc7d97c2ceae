package org.starttls.policyd.server.milter;

import java.util.Collection;
import java.util.StringJoiner;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.server.answer.PrintableText;

/**
 * The value of the header added at end of message when header tagging is on and at least one
 * recipient's domain requires TLS (the name is {@link MilterSettings#headerName()}):
 *
 * <pre>X-STARTTLS-Policy: example.com=enforce(match=.mx.example.com:mx2.example.com); example.org=testing(match=mx.example.org)</pre>
 *
 * <p>One entry per domain, in the order the recipients came: the normalised domain, the list's
 * mode for it, and the MX patterns delivery must match (as in Postfix's {@code match=}). The value
 * stays under {@link #MAX_VALUE_CHARS}; entries that do not fit are counted instead
 * ({@code ; +3 more}), so a message to many listed domains cannot produce an over-long line.
 */
public final class PolicyHeader {
    /** Leaves the whole line (name, colon, space, value) well under RFC 5322's 998. */
    public static final int MAX_VALUE_CHARS = 900;
    private static final int MORE_SUFFIX_CHARS = "; +99999 more".length();

    private PolicyHeader() {
    }

    /** The header value for these REQUIRE_TLS decisions (each must carry its policy). */
    public static String value(Collection<Decision> decisions) {
        if (decisions.isEmpty()) {
            throw new IllegalArgumentException("a policy header needs at least one decision");
        }
        StringJoiner value = new StringJoiner("; ");
        int left = decisions.size();
        for (Decision decision : decisions) {
            String entry = entry(decision);
            int after = value.length() + (value.length() == 0 ? 0 : 2) + entry.length();
            int room = left == 1 ? MAX_VALUE_CHARS : MAX_VALUE_CHARS - MORE_SUFFIX_CHARS;
            if (after > room) {
                break;
            }
            value.add(entry);
            left--;
        }
        if (left == 0) {
            return value.toString();
        }
        String more = "+" + left + " more";
        return value.length() == 0 ? more : value + "; " + more;
    }

    private static String entry(Decision decision) {
        StringJoiner mxs = new StringJoiner(":", "(match=", ")");
        for (MxPattern mx : decision.policy().mxs()) {
            mxs.add(mx.asString());
        }
        return PrintableText.of(decision.domain(), MAX_VALUE_CHARS) + "=" + decision.mode().wireName() + mxs;
    }
}
