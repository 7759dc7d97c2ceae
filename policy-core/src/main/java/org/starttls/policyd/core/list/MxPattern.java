package org.starttls.policyd.core.list;

/**
 * One entry of a policy's {@code mxs}: a host name ({@code mx.example.com}) or, with a leading dot,
 * a wildcard for the hosts below a domain ({@code .example.com}).
 *
 * <p>A wildcard matches any depth below its domain ({@code .example.com} matches
 * {@code a.example.com} and {@code a.b.example.com}, not {@code example.com}). The sources
 * disagree (EFF's RULES.md says one label, the schema says any depth); we take any depth because
 * the MTA is what enforces the pattern, and Postfix's {@code match=.example.com} and Sendmail's
 * STS matching both accept any depth. Judging a host by a stricter rule than the one the MTA
 * applies would make our own checks (probes, {@code policyctl}) disagree with what is delivered.
 * Matching ignores case, since the real list mixes it ({@code ASPMX.L.GOOGLE.COM}).
 */
public final class MxPattern {
    private final String pattern;

    private MxPattern(String pattern) {
        this.pattern = pattern;
    }

    /** Validates and normalises (lower case, A-labels); throws {@link InvalidNameException}. */
    public static MxPattern of(String text) {
        if (text == null) {
            throw new InvalidNameException("MX pattern is missing");
        }
        String trimmed = text.strip();
        boolean wildcard = trimmed.startsWith(".");
        String host = wildcard ? trimmed.substring(1) : trimmed;
        if (host.endsWith(".")) {
            throw new InvalidNameException("MX pattern \"" + text + "\" ends with a dot");
        }
        String normalized;
        try {
            normalized = DomainName.normalize(host);
        } catch (InvalidNameException e) {
            throw new InvalidNameException("MX pattern " + e.getMessage());
        }
        return new MxPattern(wildcard ? "." + normalized : normalized);
    }

    /** A pattern that was validated when the list was parsed (see {@link PolicyIndex}). */
    static MxPattern trusted(String normalized) {
        return new MxPattern(normalized);
    }

    public boolean isWildcard() {
        return pattern.charAt(0) == '.';
    }

    /** Whether {@code host} (any case, trailing dot allowed) is covered by this pattern. */
    public boolean matches(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (isWildcard()) {
            return h.length() > pattern.length() && h.regionMatches(true, h.length() - pattern.length(),
                    pattern, 0, pattern.length());
        }
        return h.equalsIgnoreCase(pattern);
    }

    /** The normalised pattern as it goes into a Postfix {@code match=} list. */
    public String asString() {
        return pattern;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MxPattern && ((MxPattern) other).pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
