package org.starttls.policyd.core.sts;

/** The ABNF core rules (RFC 5234 appendix B.1) the MTA-STS and TLS-RPT grammars are written in. */
public final class Ascii {
    private Ascii() {
    }

    public static boolean isAlphaOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code WSP = SP / HTAB}: the only white space either grammar allows. */
    public static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** {@code text} without leading and trailing {@code WSP} (unlike {@link String#strip}, no other space). */
    public static String trimWsp(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isWsp(text.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    public static boolean isBlank(String text) {
        return trimWsp(text).isEmpty();
    }

    /**
     * An extension name in either grammar: {@code (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}
     * (RFC 8461 {@code sts-ext-name}, {@code sts-policy-ext-name}; RFC 8460 {@code tlsrpt-ext-name}).
     */
    public static boolean isExtensionName(String name) {
        if (name.isEmpty() || name.length() > 32 || !isAlphaOrDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlphaOrDigit(c) && c != '_' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }
}
