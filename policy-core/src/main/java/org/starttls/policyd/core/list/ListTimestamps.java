package org.starttls.policyd.core.list;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The list's {@code timestamp} and {@code expires} values: RFC 3339 with an explicit offset
 * ({@code 2020-05-20T10:25:12.710034-07:00}) or integer seconds since the epoch.
 */
final class ListTimestamps {
    private ListTimestamps() {
    }

    static Instant parseText(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text
                    + "\" is not an RFC 3339 date-time with an offset (like 2020-05-20T10:25:12-07:00)");
        }
    }

    static Instant parseEpochSeconds(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException(seconds + " is negative; epoch seconds must be 0 or more");
        }
        return Instant.ofEpochSecond(seconds);
    }
}
