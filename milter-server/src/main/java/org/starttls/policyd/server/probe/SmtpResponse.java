package org.starttls.policyd.server.probe;

import java.util.List;
import java.util.Locale;

/**
 * One SMTP reply as the probe read it: the code and the text of each line (without the code and
 * separator).
 */
record SmtpResponse(int code, List<String> lines) {
    SmtpResponse {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not an SMTP reply code: " + code);
        }
        lines = List.copyOf(lines);
    }

    boolean isPositive() {
        return code / 100 == 2;
    }

    /** Whether an EHLO reply lists {@code keyword} as an extension (lines after the greeting). */
    boolean advertises(String keyword) {
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int space = line.indexOf(' ');
            String first = space < 0 ? line : line.substring(0, space);
            if (first.toUpperCase(Locale.ROOT).equals(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** {@code 250 first line}, for details and logs. */
    @Override
    public String toString() {
        return code + (lines.isEmpty() ? "" : " " + lines.get(0));
    }
}
