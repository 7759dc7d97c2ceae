package org.starttls.policyd.server.answer;

/**
 * The one cleaner of text that leaves the daemon in a reply, a header or a log line: printable
 * ASCII on one line, bounded. Control characters (CR, LF, TAB, NUL, DEL) become spaces, so no
 * text can end a line or a frame early; anything outside ASCII becomes {@code ?}. Every door uses
 * it, so a reason reads the same in a socketmap {@code TEMP}, a policy {@code DEFER_IF_PERMIT} and
 * a milter reply code.
 */
public final class PrintableText {
    private PrintableText() {
    }

    /** {@code text} made printable and cut to at most {@code maxChars} characters. */
    public static String of(String text, int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must not be negative, got " + maxChars);
        }
        int length = Math.min(text.length(), maxChars);
        StringBuilder clean = null;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            char safe = c < 0x20 || c == 0x7f ? ' ' : c > 0x7e ? '?' : c;
            if (safe != c && clean == null) {
                clean = new StringBuilder(length).append(text, 0, i);
            }
            if (clean != null) {
                clean.append(safe);
            }
        }
        return clean != null ? clean.toString() : length == text.length() ? text : text.substring(0, length);
    }

    /** As {@link #of}, with {@code ...} appended when the text was cut (for log lines). */
    public static String abbreviated(String text, int maxChars) {
        String clean = of(text, maxChars);
        return text.length() > maxChars ? clean + "..." : clean;
    }

    /** Whether {@code text} is already printable ASCII (nothing {@link #of} would change but its length). */
    public static boolean isPrintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
