package org.starttls.policyd.core.sts;

/**
 * Text taken from a domain's DNS or web server, made safe to put in a log line or a reason:
 * control and non-ASCII characters escaped, cut at a fixed length. What a domain publishes is
 * untrusted; a policy line must not be able to forge log lines or flood them. The fetcher uses it
 * for what a policy host says (status line, headers, TLS errors) too.
 */
public final class Excerpt {
    /** Long enough for any real host name or field, short enough for one log line. */
    static final int MAX_CHARS = 80;
    /** Room for a sentence that itself quotes the text, such as a name rule's message. */
    static final int MAX_SENTENCE_CHARS = 240;

    private Excerpt() {
    }

    /** {@code text} in double quotes, escaped (quotes and backslashes too) and cut. */
    public static String of(String text) {
        return "\"" + escaped(text, MAX_CHARS, true) + "\"";
    }

    /** A message built from untrusted text (e.g. a name rule's explanation), escaped and cut. */
    public static String sentence(String text) {
        return escaped(text, MAX_SENTENCE_CHARS, false);
    }

    private static String escaped(String text, int max, boolean quotes) {
        int end = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(end + 8);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (quotes && (c == '"' || c == '\\')) {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (text.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
