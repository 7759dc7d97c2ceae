package org.starttls.policyd.server.receiving;

import java.util.List;

/** What the receiving-side commands share: the exit code of a set of findings, the file checks. */
public final class ReceivingChecks {
    /** Exit code when warnings but no failure were found. */
    public static final int WARNINGS = 6;
    /** Exit code when at least one check failed. */
    public static final int FAILURES = 7;

    private ReceivingChecks() {
    }

    public static int exitCode(List<Finding> findings) {
        if (findings.stream().anyMatch(f -> f.status() == Finding.Status.FAIL)) {
            return FAILURES;
        }
        return findings.stream().anyMatch(f -> f.status() == Finding.Status.WARN) ? WARNINGS : 0;
    }

    public static List<Finding> fileFindings(MtaSettings settings) {
        return FileFindings.judge(settings);
    }
}
