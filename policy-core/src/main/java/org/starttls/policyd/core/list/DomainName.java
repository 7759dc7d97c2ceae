package org.starttls.policyd.core.list;

import java.net.IDN;
import java.util.Locale;

/**
 * A DNS domain name in the one form used as a lookup key: A-labels (punycode), lower case, no
 * trailing dot. {@code GMAIL.com.}, {@code gmail.com} and {@code bücher.example} normalise to
 * their single key, so the list and the MTA's question always meet. The dots IDNA treats as label
 * separators (U+3002 ideographic full stop, U+FF0E fullwidth full stop, U+FF61 halfwidth
 * ideographic full stop; RFC 3490 section 3.1) are dots here too, trailing or not:
 * {@code gmail.com。} is {@code gmail.com}.
 */
public final class DomainName implements Comparable<DomainName> {
    /** RFC 1035: 255 octets on the wire, which leaves 253 characters in text form. */
    public static final int MAX_LENGTH = 253;
    public static final int MAX_LABEL_LENGTH = 63;

    private final String name;

    private DomainName(String name) {
        this.name = name;
    }

    /** Normalises and validates; throws {@link InvalidNameException} saying what is wrong. */
    public static DomainName of(String text) {
        return new DomainName(normalize(text));
    }

    /**
     * Returns the normalised form of {@code text}, or throws. Kept separate from {@link #of} so
     * the hot lookup path can normalise without allocating a wrapper.
     */
    public static String normalize(String text) {
        if (text == null) {
            throw new InvalidNameException("domain name is missing");
        }
        String name = text.strip();
        boolean ascii = isPlainAscii(name);
        if (!ascii) {
            name = withAsciiDots(name);
            ascii = isPlainAscii(name);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new InvalidNameException("domain name is empty");
        }
        if (ascii) {
            name = name.toLowerCase(Locale.ROOT);
        } else {
            name = toAscii(text, name);
        }
        checkLabels(text, name);
        return name;
    }

    /**
     * Whether the {@code length} bytes at {@code offset} of {@code text} (ASCII) are already in the
     * form {@link #normalize} gives: lower-case letters, digits, hyphens and dots, neither first nor
     * last a dot. {@link #normalize} leaves such a name as it is, or refuses it (an empty or too
     * long label, a misplaced hyphen); a list holds only names it accepted, so such bytes name a
     * listed domain exactly when {@link #normalize} of their text does. Lets a door look a request's
     * bytes up without making a string (see {@code PolicyEngine.decideNormalAscii}).
     */
    public static boolean isNormalAscii(byte[] text, int offset, int length) {
        if (length == 0 || text[offset] == '.' || text[offset + length - 1] == '.') {
            return false;
        }
        for (int i = offset; i < offset + length; i++) {
            byte b = text[i];
            if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.')) {
                return false;
            }
        }
        return true;
    }

    /** {@code name} with every IDNA label separator replaced by '.'. */
    private static String withAsciiDots(String name) {
        return name.replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
    }

    private static boolean isPlainAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String toAscii(String original, String name) {
        try {
            return IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidNameException(
                    "\"" + original + "\" is not a valid internationalized domain name: " + e.getMessage());
        }
    }

    /** Letters, digits and inner hyphens per label (RFC 1123), as the list's schema demands. */
    static void checkLabels(String original, String name) {
        if (name.length() > MAX_LENGTH) {
            throw new InvalidNameException("\"" + original + "\" is longer than " + MAX_LENGTH + " characters");
        }
        int start = 0;
        int labels = 0;
        while (start <= name.length()) {
            int end = name.indexOf('.', start);
            if (end < 0) {
                end = name.length();
            }
            checkLabel(original, name, start, end);
            labels++;
            start = end + 1;
        }
        if (labels < 2) {
            throw new InvalidNameException("\"" + original + "\" has a single label; a mail domain needs at least two");
        }
    }

    private static void checkLabel(String original, String name, int start, int end) {
        int length = end - start;
        if (length == 0) {
            throw new InvalidNameException("\"" + original + "\" has an empty label");
        }
        if (length > MAX_LABEL_LENGTH) {
            throw new InvalidNameException(
                    "\"" + original + "\" has a label longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (name.charAt(start) == '-' || name.charAt(end - 1) == '-') {
            throw new InvalidNameException("\"" + original + "\" has a label that starts or ends with '-'");
        }
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                throw new InvalidNameException("\"" + original + "\" contains '" + c
                        + "'; only letters, digits and '-' are allowed in a label");
            }
        }
    }

    /** The normalised name: A-labels, lower case, no trailing dot. */
    public String asString() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DomainName && ((DomainName) other).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public int compareTo(DomainName other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
