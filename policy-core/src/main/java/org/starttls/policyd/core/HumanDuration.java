package org.starttls.policyd.core;

import java.time.Duration;

/**
 * Durations as an operator reads them in a log line: the two largest non-zero units, truncated
 * ({@code 6 h 25 min}, {@code 2 d 3 h}, {@code 45 s}), instead of ISO 8601's
 * {@code PT6H25M19.953S}.
 */
public final class HumanDuration {
    private HumanDuration() {
    }

    /** {@code 0 s}, {@code 250 ms}, {@code 45 s}, {@code 3 min 5 s}, {@code 6 h 25 min}, {@code 2 d 3 h}; negative with a leading "-". */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            try {
                return "-" + format(duration.negated());
            } catch (ArithmeticException tooLong) { // only Long.MIN_VALUE seconds cannot be negated
                return duration.toString();
            }
        }
        long days = duration.toDays();
        if (days > 0) {
            return pair(days, "d", duration.toHoursPart(), "h");
        }
        if (duration.toHours() > 0) {
            return pair(duration.toHours(), "h", duration.toMinutesPart(), "min");
        }
        if (duration.toMinutes() > 0) {
            return pair(duration.toMinutes(), "min", duration.toSecondsPart(), "s");
        }
        if (duration.getSeconds() > 0) {
            return duration.getSeconds() + " s";
        }
        long millis = duration.toMillisPart();
        return millis > 0 ? millis + " ms" : "0 s";
    }

    private static String pair(long major, String majorUnit, long minor, String minorUnit) {
        return minor == 0 ? major + " " + majorUnit : major + " " + majorUnit + " " + minor + " " + minorUnit;
    }
}
