package org.starttls.policyd.server.receiving;

import java.util.Objects;

/** One check's outcome: what was checked, how it went, what was seen, and what to do about it. */
public record Finding(String check, Status status, String detail, String fix) {
    /** How one check went; the worst one decides the exit code. */
    public enum Status {
        PASS, WARN, FAIL, SKIP;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        fix = fix == null ? "" : fix;
    }

    public static Finding pass(String check, String detail) {
        return new Finding(check, Status.PASS, detail, "");
    }

    public static Finding warn(String check, String detail, String fix) {
        return new Finding(check, Status.WARN, detail, fix);
    }

    public static Finding fail(String check, String detail, String fix) {
        return new Finding(check, Status.FAIL, detail, fix);
    }

    public static Finding skip(String check, String why) {
        return new Finding(check, Status.SKIP, why, "");
    }
}
