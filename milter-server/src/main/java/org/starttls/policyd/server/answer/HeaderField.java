package org.starttls.policyd.server.answer;

import java.util.regex.Pattern;

/**
 * The rules for the tag header's field, shared by the doors that add it and the renderer that
 * writes its value. It depends on nothing, so the doors' settings can check a name without
 * depending on the renderer that depends on the doors' reply types.
 */
public final class HeaderField {
    /** The tag header's name unless configured otherwise. */
    public static final String DEFAULT_NAME = "X-STARTTLS-Policy";
    /** Longest header name accepted, so a full tag header line stays under {@link #MAX_LINE_CHARS}. */
    public static final int MAX_NAME_CHARS = 64;
    /** RFC 5322 2.1.1: a line, header name included, must stay under 998 characters. */
    public static final int MAX_LINE_CHARS = 998;

    /** RFC 5322 field name: printable ASCII except ':'. */
    private static final Pattern NAME = Pattern.compile("[!-9;-~]+");

    private HeaderField() {
    }

    /** Whether {@code name} is a field name this daemon writes (RFC 5322, at most {@link #MAX_NAME_CHARS}). */
    public static boolean isName(String name) {
        return name != null && name.length() <= MAX_NAME_CHARS && NAME.matcher(name).matches();
    }
}
