package org.starttls.policyd.core.sts;

/**
 * Why a policy file is not a valid MTA-STS policy. To delivery every one means "no policy from
 * this fetch" (a cached policy still applies until its {@code max_age}); they differ for the
 * operator and the metrics.
 */
public enum StsPolicyProblem {
    /** Larger than the parser's limit (64 KiB by default, RFC 8461 section 3.3's suggestion). */
    TOO_LARGE("size"),
    /** Not UTF-8 text. */
    NOT_UTF8("encoding"),
    /** No {@code version} line, or one that is not {@code STSv1}. */
    BAD_VERSION("version"),
    /** No {@code mode} line, or one that is not {@code enforce}, {@code testing} or {@code none}. */
    BAD_MODE("mode"),
    /** No {@code max_age} line, or one that is not 1 to 10 digits of at most 31557600. */
    BAD_MAX_AGE("max-age"),
    /** Mode {@code enforce} or {@code testing} with no {@code mx} line left after the invalid ones were dropped. */
    NO_VALID_MX("mx");

    private final String label;

    StsPolicyProblem(String label) {
        this.label = label;
    }

    /** A stable, lower-case name for metrics and JSON output. */
    public String label() {
        return label;
    }

    /** Whether the body arrived whole but does not follow the grammar (everything but the size). */
    public boolean isSyntax() {
        return this != TOO_LARGE;
    }
}
