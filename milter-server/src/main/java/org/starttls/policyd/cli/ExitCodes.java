package org.starttls.policyd.cli;

/** Exit codes shared by every policyctl subcommand; listed in {@code --help} and the README. */
public final class ExitCodes {
    /** Everything asked for was done (lookup: every domain answered; verify: the list verified). */
    public static final int OK = 0;
    /**
     * Some argument could not be answered (lookup: not a domain name); the others were. Also:
     * status with warnings; export of an expired list (written, but enforcing nothing).
     */
    public static final int PARTIAL = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /**
     * Refused, nothing changed: the list could not be read, did not verify, or was refused (update:
     * nothing installed); reload: the daemon refused the new configuration or the new list.
     */
    public static final int REFUSED = 3;
    /** The same code under the name the list-reading subcommands use. */
    public static final int LIST_REFUSED = REFUSED;
    /** The daemon could not be reached (status, reload). */
    public static final int DAEMON_UNREACHABLE = 4;
    /** probe: a domain is under a downgrade. */
    public static final int DOWNGRADE = 5;
    /** probe: a domain could not be judged (DNS failed, no MX reachable), and none is under a downgrade. */
    public static final int NO_EVIDENCE = 6;
    /** doctor, tls-setup, sts publish --check: warnings only (e.g. a certificate under 21 days from expiry). */
    public static final int DOCTOR_WARNINGS = org.starttls.policyd.server.receiving.ReceivingChecks.WARNINGS;
    /** doctor, tls-setup, sts publish --check: at least one check failed (no STARTTLS, a wrong-name certificate...). */
    public static final int DOCTOR_FAILURES = org.starttls.policyd.server.receiving.ReceivingChecks.FAILURES;
    /**
     * check: every domain is eligible for testing at least, some only for testing (the same code as
     * the receiving checks' "warnings only").
     */
    public static final int TESTING_ONLY = DOCTOR_WARNINGS;
    /** check: at least one domain is not eligible for a list (the same code as "a check failed"). */
    public static final int NOT_ELIGIBLE = DOCTOR_FAILURES;
    /** An unexpected internal error: a bug. */
    public static final int INTERNAL = 70;
    /** A file could not be read or written (an unwritable --output, a missing directory): sysexits' EX_IOERR. */
    public static final int IO_ERROR = 74;
    /** The configuration file (--config, or the default one) is missing or invalid: sysexits' EX_CONFIG, as policyd. */
    public static final int CONFIG = 78;

    private ExitCodes() {
    }
}
